using FlexRegistry.Persistence;
using FlexRegistry.Shared.Matching;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// Typo-tolerant name search of the directory (BUC.4 step 5): one interface, a candidate read per provider, one ranking.
/// <list type="bullet">
/// <item>PostgreSQL: the pg_trgm GIN index on <see cref="Participant.SearchName"/> finds names trigram-similar to the query
/// (<c>%</c>, similarity ≥ 0.45) or holding a word-similar extent (<c>&lt;%</c>, word similarity ≥ 0.6), each condition an
/// index scan of its own; the best <see cref="MaxCandidates"/> by word similarity are ranked.</item>
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

    /// <summary>The matches of <paramref name="key"/> (a <see cref="OrganisationName.SearchKey"/>) among <paramref name="rows"/>, best first.</summary>
    public async Task<List<Hit>> MatchAsync(IQueryable<Participant> rows, string key, CancellationToken ct)
    {
        var candidates = db.Database.IsNpgsql()
            ? await PostgresCandidatesAsync(rows, key, ct)
            : await rows.Select(p => new Candidate(p.Id, p.SearchName)).ToListAsync(ct);
        return Rank(key, candidates);
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
    /// PostgreSQL's candidates: two conditions the GIN trigram index answers on its own, as a UNION of two index scans: the
    /// query found within the name (<c>key &lt;% name</c>, word similarity ≥ 0.6) or the whole name similar to the query
    /// (<c>name % key</c>, similarity ≥ 0.45: a name with words the query did not type, such as
    /// "Octopus Energy Services" for "Ocotpus Energy", or written as one word, "Limejump" for "Lime Jump"); the best
    /// <see cref="MaxCandidates"/> by word similarity, then similarity, then ID, are ranked.
    /// </summary>
    /// <remarks>
    /// Before, the two conditions were one OR with pg_trgm's default similarity 0.3: the planner read the whole table
    /// (EXPLAIN ANALYZE at 100,000 names: a parallel sequential scan, 2.2 s, machine loaded) and 0.3 let in every name
    /// sharing a common word (1,435 rows for a four-word query).
    /// </remarks>
    private static async Task<List<Candidate>> PostgresCandidatesAsync(IQueryable<Participant> rows, string key, CancellationToken ct)
    {
        // The thresholds of % and <% are session settings made when the connection opens (Persistence/DatabaseSetup
        // TrigramThresholds), so the search is one statement: no transaction, no SET LOCAL round trips.
        var found = rows.Where(p => EF.Functions.TrigramsAreWordSimilar(key, p.SearchName)).Select(p => new { p.Id, p.SearchName })
            .Union(rows.Where(p => EF.Functions.TrigramsAreSimilar(p.SearchName, key)).Select(p => new { p.Id, p.SearchName }));
        // Usually every candidate fits: then which are the best does not matter and the database need not compute two
        // similarities per candidate to sort them (a third of its time for a thousand candidates). Only an overflow is
        // read again, best first.
        var all = await found.Take(MaxCandidates + 1).ToListAsync(ct);
        if (all.Count > MaxCandidates)
            all = await found
                .OrderByDescending(c => EF.Functions.TrigramsWordSimilarity(key, c.SearchName))
                .ThenByDescending(c => EF.Functions.TrigramsSimilarity(c.SearchName, key))
                .ThenBy(c => c.Id)
                .Take(MaxCandidates)
                .ToListAsync(ct);
        return all.ConvertAll(c => new Candidate(c.Id, c.SearchName));
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

    private static double WordScore(string word, string nameWord)
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
