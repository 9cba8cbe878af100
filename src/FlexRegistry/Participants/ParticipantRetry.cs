using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// A write that touches a participant row without naming its version (an operator's status action, commercial
/// information, which has a version of its own): when its save finds that only the participant row moved meanwhile —
/// typically the verification worker recording a Companies House check on a participant registered a moment ago —
/// that is not the caller's conflict, so the write runs again on fresh state, where its own rules decide again. A row
/// that keeps moving, three attempts in a row, answers 409 <c>resource.concurrency_conflict</c>.
/// </summary>
internal static class ParticipantRetry
{
    private const int Attempts = 3;

    public static async Task<T> WhileOnlyTheParticipantMovedAsync<T>(RegistryDbContext db, Func<Task<T>> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (DbUpdateConcurrencyException e) when (attempt < Attempts && e.Entries.All(entry => entry.Entity is Participant))
            {
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The participant kept changing while you acted; reload and retry.");
            }
        }
    }
}
