using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// One distinct word of the participants' search names (<see cref="Participant.SearchName"/>), PostgreSQL only: the
/// dictionary the directory search looks a mistyped query word up in (a trigram index over words, far fewer and far
/// shorter than names), before it finds the participants holding the words it found (<see cref="DirectorySearch"/>).
/// </summary>
/// <remarks>
/// Words are only ever added: search names do not change after registration, and a word no participant holds any more
/// finds nobody. SQLite has no trigram index and scores every name in process, so it keeps no dictionary.
/// </remarks>
public sealed class DirectoryWord
{
    public string Word { get; private set; } = "";

    /// <summary>
    /// Adds the words of <paramref name="searchName"/> the dictionary lacks, in the caller's transaction (the participant's
    /// registration), so a committed participant's words are always in the dictionary.
    /// </summary>
    /// <remarks>
    /// ON CONFLICT DO NOTHING: two registrations adding the same new word both succeed (the second waits for the first to
    /// commit). Inserted in sorted order, so two registrations adding the same words in another order cannot deadlock; the
    /// caller adds them last, after every other lock of the registration.
    /// </remarks>
    public static async Task AddAsync(RegistryDbContext db, string searchName, CancellationToken ct)
    {
        var words = searchName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (words.Length == 0)
            return;
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO directory_words (\"Word\") SELECT w FROM unnest({words}) AS w ORDER BY w COLLATE \"C\" ON CONFLICT DO NOTHING", ct);
    }
}
