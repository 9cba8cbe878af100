using FlexRegistry.Persistence;
using FlexRegistry.Shared.Matching;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// Typo-tolerant name search of the directory (BUC.4 step 5): one interface, a candidate read per provider, one ranking.
/// <list type="bullet">
/// <item>PostgreSQL: a word-level query (<see cref="WordQuery"/>) over a GIN index on the words of
/// <see cref="Participant.SearchName"/> finds the names holding words for enough of the query, ranks them in SQL by an
/// estimate of <see cref="Score"/> and returns the best <see cref="FirstCandidates"/> (more only while a page needs
/// them), which are then ranked exactly.</item>
/// <item>SQLite: no trigram index, so the filtered rows' (ID, search name) pairs are read in one bounded scan and every one is
/// scored in process: linear in the directory's size (see docs/directory.md for what that costs).</item>
/// </list>
/// Both paths rank with <see cref="Score"/>, so the order of results does not depend on the database.
/// </summary>
public sealed class DirectorySearch(RegistryDbContext db)
{
    /// <summary>Names scoring below this are not matches.</summary>
    public const double MinScore = 0.8;

    /// <summary>How many ranked matches a name search can reach (the pages beyond are not served).</summary>
    public const int MaxCandidates = 1000;

    public sealed record Hit(ParticipantId Id, string SearchName, double Score);

    /// <summary>How many candidates PostgreSQL ranks and returns at first; more (8 times, up to <see cref="MaxCandidates"/>) only while a page needs them.</summary>
    public const int FirstCandidates = 100;

    /// <summary>
    /// The matches of <paramref name="key"/> (a <see cref="OrganisationName.SearchKey"/>) among <paramref name="rows"/>, best
    /// first: at least <paramref name="count"/> of those <paramref name="wanted"/> (the rest of a page after its cursor) when
    /// there are so many, at most <see cref="MaxCandidates"/>.
    /// </summary>
    public async Task<List<Hit>> MatchAsync(IQueryable<Participant> rows, string key, Func<Hit, bool> wanted, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        if (!db.Database.IsNpgsql())
            return Rank(key, await rows.Select(p => new Candidate(p.Id, p.SearchName)).ToListAsync(ct));
        var query = await WordQuery.BuildAsync(db, key, ct);
        for (var limit = Math.Min(Math.Max(FirstCandidates, 2 * count), MaxCandidates); ; limit = Math.Min(limit * 8, MaxCandidates))
        {
            var (candidates, complete) = await PostgresCandidatesAsync(rows, query, limit, ct);
            var hits = Rank(key, candidates);
            if (complete || limit == MaxCandidates || hits.Count(wanted) >= count)
                return hits;
        }
    }

    private static List<Hit> Rank(string key, List<Candidate> candidates) =>
    [
        .. candidates
            .Select(c => new Hit(c.Id, c.SearchName, Math.Round(Score(key, c.SearchName), 4)))
            .Where(h => h.Score >= MinScore)
            .OrderByDescending(h => h.Score).ThenBy(h => h.SearchName, StringComparer.Ordinal).ThenBy(h => h.Id.Value, StringComparer.Ordinal)
            .Take(MaxCandidates),
    ];

    private sealed record Candidate(ParticipantId Id, string SearchName);

    /// <summary>
    /// PostgreSQL's candidates: the best <paramref name="limit"/> names the word query (<see cref="WordQuery"/>) matches, ranked
    /// in SQL by its estimate of <see cref="Score"/>, then kept if <paramref name="rows"/> (the directory's filters) holds them.
    /// <c>complete</c> when fewer than <paramref name="limit"/> matched, so none was left out.
    /// </summary>
    /// <remarks>
    /// Two statements: the ranked candidates through the GIN index on the names' words (<c>to_tsvector('simple',
    /// "SearchName")</c>, a boolean <c>tsquery</c>), then the filters on those few IDs by primary key. The filters are not in the
    /// first statement because they are a LINQ query and the ranking is SQL the model cannot express; when they remove
    /// candidates a page needs, <see cref="MatchAsync"/> asks for more.
    /// </remarks>
    private async Task<(List<Candidate> Candidates, bool Complete)> PostgresCandidatesAsync(IQueryable<Participant> rows, WordQuery query, int limit,
        CancellationToken ct)
    {
        if (query.IsEmpty)
            return ([], true);
        var (sql, parameters) = query.RankedSql(limit);
#pragma warning disable EF1002 // Built from constants and numbered placeholders only; every word and weight is a parameter.
        var ranked = await db.Participants.FromSqlRaw(sql, [.. parameters]).AsNoTracking().Select(p => new Candidate(p.Id, p.SearchName)).ToListAsync(ct);
#pragma warning restore EF1002
        if (ranked.Count == 0)
            return ([], true);
        var ids = ranked.ConvertAll(c => c.Id);
        var kept = (await rows.Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct)).ToHashSet();
        return (ranked.FindAll(c => kept.Contains(c.Id)), ranked.Count < limit);
    }

    /// <summary>
    /// How well a name matches a query, in [0, 1], both as <see cref="OrganisationName.SearchKey"/>s. Each query word finds its
    /// best unused name word (equal 1; the start of a longer word, as typed so far, 0.9; otherwise Jaro-Winkler when ≥ 0.85, so
    /// a dropped, doubled or swapped letter still counts); the words' scores are averaged by length, and every name word the
    /// query did not ask for costs a little, so "Octopus Energy" ranks above "Octopus Energy Services". Names written with or
    /// without spaces ("ScottishPower") compare by their letters run together.
    /// </summary>
    public static double Score(string query, string name)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(name);
        if (query.Length == 0 || name.Length == 0)
            return 0;
        if (query == name)
            return 1;
        var words = query.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var nameWords = name.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        // "Power Grid" and "Powergrid", "Lime Jump" and "Limejump": two adjacent words the other side writes as one are one.
        JoinWhereTheOtherHasOne(words, nameWords);
        JoinWhereTheOtherHasOne(nameWords, words);
        var used = new bool[nameWords.Count];
        double matched = 0, total = 0;
        foreach (var word in words)
        {
            total += word.Length;
            var (best, at) = (0.0, -1);
            for (var i = 0; i < nameWords.Count; i++)
            {
                var s = used[i] ? 0 : WordScore(word, nameWords[i]);
                if (s > best)
                    (best, at) = (s, i);
            }
            if (at < 0)
                continue;
            used[at] = true;
            matched += best * word.Length;
        }
        var unasked = used.Count(u => !u);
        var byWords = matched / total * (1 - 0.1 * unasked / nameWords.Count);
        var joinedQuery = query.Replace(" ", "", StringComparison.Ordinal);
        var joinedName = name.Replace(" ", "", StringComparison.Ordinal);
        // Only when the spacing differs: otherwise the words above already compared the same letters.
        var joined = joinedQuery == joinedName ? 0.97
            : words.Count != nameWords.Count && joinedQuery.Length >= 5 && Text.JaroWinkler(joinedQuery, joinedName) is var jw && jw >= 0.93 ? jw * 0.95
            : 0;
        return Math.Max(byWords, joined);
    }

    private static void JoinWhereTheOtherHasOne(List<string> words, List<string> other)
    {
        for (var i = words.Count - 2; i >= 0; i--)
        {
            if (other.Contains(words[i] + words[i + 1], StringComparer.Ordinal))
            {
                words[i] += words[i + 1];
                words.RemoveAt(i + 1);
            }
        }
    }

    internal static double WordScore(string word, string nameWord)
    {
        if (word == nameWord)
            return 1;
        if (word.Length < 3 || nameWord.Length < 3)
            return 0;
        if (nameWord.StartsWith(word, StringComparison.Ordinal))
            return 0.9;
        // A number in a name is an identifier, not something mistyped: "Flex 2 Ltd" is not "Flex 3 Ltd".
        if (word.Any(char.IsAsciiDigit) || nameWord.Any(char.IsAsciiDigit))
            return 0;
        // A typo adds, drops or changes a letter or two; a word much longer or shorter is another word ("Limejump", "Lime").
        if (Math.Abs(word.Length - nameWord.Length) > 2)
            return 0;
        var jw = Text.JaroWinkler(word, nameWord);
        return jw >= 0.85 ? jw : 0;
    }
}
