using System.Globalization;
using System.Text;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// PostgreSQL's candidate step of the directory search (<see cref="DirectorySearch"/>), word by word: which names may score
/// <see cref="DirectorySearch.MinScore"/> for a search key, as one boolean full-text query over the names' words (GIN index on
/// <c>to_tsvector('simple', "SearchName")</c>), and SQL that ranks them by an estimate of <see cref="DirectorySearch.Score"/>,
/// so that the database returns a few dozen names rather than every name sharing a common word.
/// </summary>
/// <remarks>
/// <para>Each distinct query word (a unit, weighing its letters) matches a name word that <see cref="DirectorySearch.WordScore"/>
/// accepts: itself; a longer word it begins, as typed so far (a prefix query, <c>'word':*</c>, three letters or more); a
/// mistyped form found in the dictionary of the names' words (<c>directory_words</c>, trigram-similar at ≥ 0.2, a session
/// setting, and within two letters of its length; never for a word with a digit); a neighbouring query word joined to it
/// ("Lime Jump" → <c>limejump</c>); or its two halves as two name words ("ScottishPower" → <c>scottish</c> and
/// <c>power</c>, both in the dictionary). A name can reach <see cref="DirectorySearch.MinScore"/> only if the units it matches
/// hold four fifths of the query's letters (<see cref="DirectorySearch.Score"/> averages word scores of at most 1 by length),
/// so the query is an OR, over the largest sets of units a name may lack, of an AND of the other units' alternatives; plus the
/// whole query written as one word (<c>joined keys equal</c>, 0.97).</para>
/// <para>The estimate is <see cref="DirectorySearch.Score"/>'s word part without its one-to-one pairing of words: each unit's
/// best alternative present, weighted by letters, less a tenth per share of name words the query did not match; ties by
/// fewer words, then by search key and ID, the final order.</para>
/// </remarks>
public sealed class WordQuery
{
    /// <summary>One way a unit is matched: one name word (exactly, or as a prefix), or two name words (its halves).</summary>
    private sealed record Alternative(string[] Words, double Score, bool Prefix);

    private sealed record Unit(string Word, int Letters, List<Alternative> Alternatives);

    private readonly List<Unit> units;
    private readonly string? joined;
    private readonly double total;

    private WordQuery(List<Unit> units, string? joined)
    {
        this.units = units;
        this.joined = joined;
        total = units.Sum(u => u.Letters);
    }

    /// <summary>No words: nothing matches.</summary>
    public bool IsEmpty => units.Count == 0;

    /// <summary>How many dictionary words one search looks at, at most (a very common stem in a very large directory).</summary>
    private const int MaxDictionaryWords = 1000;

    /// <summary>The query for <paramref name="key"/>, after one look-up of its words' mistyped forms and halves in the dictionary.</summary>
    public static async Task<WordQuery> BuildAsync(RegistryDbContext db, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(key);
        var words = key.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var distinct = words.Distinct(StringComparer.Ordinal).ToList();
        // A word with a digit is an identifier: exact or as typed so far, never a typo; so is any word under three letters.
        var typed = distinct.Where(u => u.Length >= 3 && !u.Any(char.IsAsciiDigit)).ToList();
        var halves = distinct
            .SelectMany(u => Enumerable.Range(1, Math.Max(0, u.Length - 1)).SelectMany(k => new[] { u[..k], u[k..] }))
            .Where(h => !h.Any(char.IsAsciiDigit)).Distinct(StringComparer.Ordinal).ToArray();
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (typed.Count > 0 || halves.Length > 0)
        {
            var sql = new StringBuilder("""SELECT "Word" AS "Value" FROM directory_words WHERE "Word" = ANY({0})""");
            var parameters = new List<object> { halves };
            foreach (var unit in typed)
            {
                parameters.AddRange([unit, unit.Length - 2, unit.Length + 2]);
                var at = parameters.Count - 3;
                sql.Append(CultureInfo.InvariantCulture, $$""" OR ("Word" % {{{at}}} AND length("Word") BETWEEN {{{at + 1}}} AND {{{at + 2}}})""");
            }
            sql.Append(CultureInfo.InvariantCulture, $" LIMIT {MaxDictionaryWords}");
#pragma warning disable EF1002 // Built from constants and numbered placeholders only; every word and length is a parameter.
            found.UnionWith(await db.Database.SqlQueryRaw<string>(sql.ToString(), [.. parameters]).ToListAsync(ct));
#pragma warning restore EF1002
        }

        var list = new List<Unit>(distinct.Count);
        foreach (var unit in distinct)
        {
            var alternatives = new List<Alternative> { new([unit], 1, false) };
            if (unit.Length >= 3)
                alternatives.Add(new([unit], 0.9, true));
            foreach (var word in found.Order(StringComparer.Ordinal))
            {
                // Words the unit begins are the prefix query's already.
                if (word != unit && !word.StartsWith(unit, StringComparison.Ordinal) && DirectorySearch.WordScore(unit, word) is > 0 and var score)
                    alternatives.Add(new([word], score, false));
            }
            for (var i = 0; i + 1 < words.Length; i++)
            {
                if (words[i] == unit || words[i + 1] == unit)
                    alternatives.Add(new([words[i] + words[i + 1]], 1, false));
            }
            for (var k = 1; k < unit.Length; k++)
            {
                if (found.Contains(unit[..k]) && found.Contains(unit[k..]))
                    alternatives.Add(new([unit[..k], unit[k..]], 1, false));
            }
            list.Add(new Unit(unit, unit.Length * words.Count(w => w == unit), alternatives));
        }
        return new WordQuery(list, words.Length > 1 ? string.Concat(words) : null);
    }

    /// <summary>
    /// The ranked statement over <c>participants</c> (every column, for <c>FromSqlRaw</c>) and its parameters: the best
    /// <paramref name="limit"/> names the query matches, by the estimate.
    /// </summary>
    public (string Sql, List<object> Parameters) RankedSql(int limit)
    {
        var parameters = new List<object>();
        string P(object value)
        {
            parameters.Add(value);
            return "{" + (parameters.Count - 1).ToString(CultureInfo.InvariantCulture) + "}";
        }
        var match = P(TsQuery());
        var weights = units.ConvertAll(u => "GREATEST(" + string.Join(", ", u.Alternatives.Select(a =>
            $"CASE WHEN {string.Join(" AND ", a.Words.Select(w => $"strpos(s.pad, {P(a.Prefix ? " " + w : " " + w + " ")}) > 0"))} THEN {P(a.Score * u.Letters)}::float8 ELSE 0 END")) + ")");
        var matched = string.Join(" + ", weights.Select((_, i) => $"w.w{i}"));
        var hits = string.Join(" + ", weights.Select((_, i) => $"sign(w.w{i})"));
        var estimate = $"({matched}) * (1 - 0.1 * GREATEST(s.n - ({hits}), 0) / s.n)";
        if (joined is not null)
            estimate = $"""GREATEST({estimate}, CASE WHEN replace(p."SearchName", ' ', '') = {P(joined)} THEN {P(0.97 * total)}::float8 ELSE 0 END)""";
        var sql = $"""
            SELECT p.* FROM participants AS p
            CROSS JOIN LATERAL (SELECT ' ' || p."SearchName" || ' ' AS pad, GREATEST(cardinality(string_to_array(p."SearchName", ' ')), 1) AS n) AS s
            CROSS JOIN LATERAL (SELECT {string.Join(", ", weights.Select((x, i) => $"{x} AS w{i}"))}) AS w
            WHERE to_tsvector('simple', p."SearchName") @@ {match}::tsquery
            ORDER BY {estimate} DESC, s.n, p."SearchName" COLLATE "C", p."Id" COLLATE "C"
            LIMIT {P(limit)}
            """;
        return (sql, parameters);
    }

    /// <summary>The boolean full-text query: an OR, over the largest sets of units a name may lack, of the others' alternatives.</summary>
    public string TsQuery()
    {
        var conditions = units.ConvertAll(u => "(" + string.Join(" | ", u.Alternatives
            .Where(a => a.Prefix || a.Words.Length > 1 || a.Words[0] != u.Word || u.Word.Length < 3)
            .Select(a => a.Words.Length > 1 ? "(" + string.Join(" & ", a.Words.Select(Lexeme)) + ")" : Lexeme(a.Words[0]) + (a.Prefix ? ":*" : ""))) + ")");
        var budget = total * (1 - DirectorySearch.MinScore) + 1e-9;
        var terms = LargestSetsWithin(units.ConvertAll(u => u.Letters), budget)
            .Select(lacking => string.Join(" & ", conditions.Where((_, i) => !lacking.Contains(i))))
            .Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Select(t => "(" + t + ")").ToList();
        if (joined is not null)
            terms.Add(Lexeme(joined));
        return string.Join(" | ", terms);
    }

    /// <summary>A lexeme as tsquery input: quoted, with quotes and backslashes escaped.</summary>
    private static string Lexeme(string word) =>
        "'" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

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
}
