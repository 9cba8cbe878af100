using System.Globalization;
using System.Text;
using FlexRegistry.Persistence;
using FlexRegistry.Shared.Matching;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// Typo-tolerant name search of the directory (BUC.4 step 5): one interface, a candidate read per provider, one ranking.
/// <list type="bullet">
/// <item>PostgreSQL: a word-level index. The query's words are looked up in a dictionary of the names' words
/// (<see cref="DirectoryWord"/>, trigram index), then the participants holding enough of the words found are read through a
/// GIN index on the words of <see cref="Participant.SearchName"/>; at most <see cref="MaxScored"/> of them are ranked.</item>
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

    /// <summary>How many candidates a PostgreSQL search scores at most (a one-word query for a common word finds more).</summary>
    public const int MaxScored = 5000;

    /// <summary>
    /// PostgreSQL's candidates, through a word-level index in two steps, each an index scan.
    /// <list type="number">
    /// <item>The dictionary (<see cref="DirectoryWord"/>, trigram GIN index): for each query word, the words that
    /// <see cref="WordScore"/> would accept — itself, longer words it begins (as typed so far), and words trigram-similar to
    /// it (<c>%</c>, similarity ≥ 0.3, a session setting) within two letters of its length — plus two adjacent query words
    /// written as one ("Lime Jump" → <c>limejump</c>) and the two halves of a query word ("ScottishPower" →
    /// <c>scottish</c>, <c>power</c>).</item>
    /// <item>The participants whose search-name words (GIN index on <c>string_to_array("SearchName", ' ')</c>) hold a
    /// found word for enough query words to reach <see cref="MinScore"/>: a name's score is at most the share of the
    /// query's letters in words it matches, so the words it may lack weigh at most a fifth of the query's letters. The
    /// condition is an OR, over the largest sets of query words a name may lack, of an AND of array overlaps.</item>
    /// </list>
    /// </summary>
    /// <remarks>
    /// Until 2026-12-07 (issue 19, h19-search) the candidates were the names trigram-similar to the whole query, through a
    /// GIN trigram index on <c>SearchName</c>: common words ("energy", "services") share their trigrams with thousands of
    /// names, all rechecked per search (at 100,000 names: saturation 33 searches/s, p99 205 ms at half of it). A name found
    /// only by comparing the keys with their spaces removed (<see cref="Score"/>'s last rule) is not found here.
    /// </remarks>
    private async Task<List<Candidate>> PostgresCandidatesAsync(IQueryable<Participant> rows, string key, CancellationToken ct)
    {
        var words = key.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var units = words.Distinct(StringComparer.Ordinal).ToList();
        var found = await DictionaryWordsAsync(words, units, ct);

        // Per query word: the dictionary words that match it alone, and the pairs of words that together are it.
        var total = (double)words.Sum(w => w.Length);
        var conditions = new List<(int Weight, string[] Alternatives, List<string[]> Pairs)>(units.Count);
        foreach (var unit in units)
        {
            var alternatives = found.Where(f => WordScore(unit, f) > 0).ToList();
            for (var i = 0; i + 1 < words.Length; i++)
            {
                if ((words[i] == unit || words[i + 1] == unit) && found.Contains(words[i] + words[i + 1]))
                    alternatives.Add(words[i] + words[i + 1]);
            }
            var pairs = Enumerable.Range(1, Math.Max(0, unit.Length - 1))
                .Where(k => found.Contains(unit[..k]) && found.Contains(unit[k..]))
                .Select(k => new[] { unit[..k], unit[k..] }).ToList();
            conditions.Add((unit.Length * words.Count(w => w == unit), [.. alternatives.Distinct(StringComparer.Ordinal)], pairs));
        }
        // The letters a name may lack and still score MinScore.
        var budget = total * (1 - MinScore) + 1e-9;
        var unmatchable = conditions.Where(c => c.Alternatives.Length == 0 && c.Pairs.Count == 0).ToList();
        budget -= unmatchable.Sum(c => c.Weight);
        if (budget < 0)
            return [];
        var required = conditions.Except(unmatchable).OrderByDescending(c => c.Weight).ToList();
        var lackable = LargestSetsWithin(required.ConvertAll(c => c.Weight), budget);

        var sql = new StringBuilder("SELECT * FROM participants WHERE ");
        var parameters = new List<object>();
        string Parameter(object value)
        {
            parameters.Add(value);
            return "{" + (parameters.Count - 1).ToString(CultureInfo.InvariantCulture) + "}";
        }
        var terms = new List<string>();
        // The same array expression as the index, so that PostgreSQL uses it.
        const string Words = "string_to_array(\"SearchName\", ' ')";
        var unitSql = required.ConvertAll(c => "(" + string.Join(" OR ",
            (c.Alternatives.Length > 0 ? [$"{Words} && {Parameter(c.Alternatives)}"] : Array.Empty<string>())
            .Concat(c.Pairs.Select(p => $"{Words} @> {Parameter(p)}"))) + ")");
        foreach (var lacking in lackable)
            terms.Add(string.Join(" AND ", unitSql.Where((_, i) => !lacking.Contains(i))));
        sql.Append(string.Join(" OR ", terms.Distinct(StringComparer.Ordinal).Select(t => "(" + t + ")")));

#pragma warning disable EF1002 // Built from constants and numbered placeholders only; every value is a parameter.
        var matching = db.Participants.FromSqlRaw(sql.ToString(), [.. parameters]).Select(p => p.Id);
#pragma warning restore EF1002
        var candidates = rows.Where(p => matching.Contains(p.Id));
        var all = await candidates.Select(p => new Candidate(p.Id, p.SearchName)).Take(MaxScored + 1).ToListAsync(ct);
        // Rarely more (a common word alone): then the shortest names, which lose least for words the query did not ask for.
        if (all.Count > MaxScored)
            all = await candidates.OrderBy(p => p.SearchName.Length).ThenBy(p => p.Id).Select(p => new Candidate(p.Id, p.SearchName)).Take(MaxScored).ToListAsync(ct);
        return all;
    }

    /// <summary>
    /// The dictionary words that may match a query word: in one statement, the query words themselves, adjacent pairs written
    /// as one, the halves of each word, longer words each begins, and words trigram-similar to each word without a digit
    /// (<see cref="WordScore"/> never takes a number for a typo).
    /// </summary>
    private async Task<HashSet<string>> DictionaryWordsAsync(string[] words, List<string> units, CancellationToken ct)
    {
        var exact = new HashSet<string>(units, StringComparer.Ordinal);
        for (var i = 0; i + 1 < words.Length; i++)
            exact.Add(words[i] + words[i + 1]);
        foreach (var unit in units)
        {
            for (var k = 1; k < unit.Length; k++)
            {
                exact.Add(unit[..k]);
                exact.Add(unit[k..]);
            }
        }
        var sql = new StringBuilder("SELECT \"Word\" AS \"Value\" FROM directory_words WHERE \"Word\" = ANY({0})");
        var parameters = new List<object> { exact.ToArray() };
        foreach (var unit in units.Where(u => u.Length >= 3))
        {
            parameters.Add(unit + "%");
            sql.Append(CultureInfo.InvariantCulture, $" OR \"Word\" LIKE {{{parameters.Count - 1}}}");
            if (unit.Any(char.IsAsciiDigit))
                continue;
            parameters.Add(unit);
            sql.Append(CultureInfo.InvariantCulture,
                $" OR (\"Word\" % {{{parameters.Count - 1}}} AND length(\"Word\") BETWEEN {unit.Length - 2} AND {unit.Length + 2})");
        }
        sql.Append(" LIMIT 10000");
#pragma warning disable EF1002 // Built from constants, numbered placeholders and integers only; every word is a parameter.
        var found = await db.Database.SqlQueryRaw<string>(sql.ToString(), [.. parameters]).ToListAsync(ct);
#pragma warning restore EF1002
        return found.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The sets of indexes of <paramref name="weights"/> whose weights sum to at most <paramref name="budget"/> and that no
    /// other such set contains (the empty set when no weight fits). Found depth first, including before excluding, so a set's
    /// supersets come before it. At most 65 sets: a query of very many short words may lose a match beyond that.
    /// </summary>
    private static List<HashSet<int>> LargestSetsWithin(List<int> weights, double budget)
    {
        var sets = new List<HashSet<int>>();
        void Grow(int from, HashSet<int> current, double left)
        {
            var grown = false;
            for (var i = from; i < weights.Count && sets.Count <= 64; i++)
            {
                if (weights[i] > left)
                    continue;
                current.Add(i);
                Grow(i + 1, current, left - weights[i]);
                current.Remove(i);
                grown = true;
            }
            if (!grown && !sets.Any(s => current.IsSubsetOf(s)))
                sets.Add([.. current]);
        }
        Grow(0, [], budget);
        return sets;
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
