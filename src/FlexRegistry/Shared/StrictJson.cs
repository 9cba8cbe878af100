using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FlexRegistry.Shared;

/// <summary>
/// The one reader every JSON body passes before anything binds it (the request pipeline for single requests, the
/// import for each NDJSON line): well-formed JSON (RFC 8259) in valid UTF-8, an I-JSON document (RFC 7493: no member
/// name twice in an object, at any depth, compared as the binder compares them), every string acceptable
/// <see cref="InputText"/>, and every member of the type the operation takes (its contract) of the right JSON type —
/// a number is a number, never a string holding one — and within the bounds its attributes declare
/// (<see cref="MaxLengthAttribute"/>, <see cref="LengthAttribute"/>, <see cref="StringLengthAttribute"/>,
/// <see cref="RangeAttribute"/>), with <see cref="InputText.DefaultMaxLength"/> and <see cref="InputText.DefaultMaxItems"/>
/// where none is declared. The same attributes feed the OpenAPI document (<see cref="OpenApiSetup"/>), so what the
/// document says is what this enforces. Every broken rule is collected, not just the first.
/// </summary>
public static class StrictJson
{
    public static readonly ErrorCode DuplicateMember = new("request.duplicate_member", 400,
        "The JSON body names a member twice in one object (RFC 7493 I-JSON refuses it).");

    public static readonly ErrorCode EncodingInvalid = new("request.encoding_invalid", 400, "The request body is not valid UTF-8.");

    public const string WrongTypeCode = "request.malformed_json";
    public const string TooLongCode = "field.too_long";
    public const string TooShortCode = "field.too_short";
    public const string TooManyItemsCode = "field.too_many_items";
    public const string OutOfRangeCode = "field.out_of_range";

    /// <summary>The serializer settings every JSON body is bound with (the API's, and the import's for NDJSON lines).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Unknown members are refused, so server-owned fields (IDs, status, roles) cannot be mass-assigned.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // A number is a JSON number: "7" is not 7 (the Web defaults would read it), in every operation alike.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowDuplicateProperties = false;
        options.MaxDepth = 32;
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { NormaliseText } };
    }

    /// <summary>Text members are bound trimmed and in NFC (<see cref="InputText.Normalise"/>).</summary>
    private static void NormaliseText(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
            return;
        foreach (var property in type.Properties)
        {
            if (property.PropertyType != typeof(string) || property.Set is not { } set)
                continue;
            property.Set = (target, value) => set(target, value is string s && InputText.Problem(s) is null ? InputText.Normalise(s) : value);
        }
    }

    /// <summary>
    /// Checks <paramref name="utf8"/> as a body for <paramref name="contract"/> (null: any JSON). Returns the problem to
    /// answer with and its field errors, or null when the body may be bound.
    /// </summary>
    public static (ErrorCode Error, IReadOnlyList<FieldError> Errors)? Check(ReadOnlySpan<byte> utf8, Type? contract, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (utf8.StartsWith(Encoding.UTF8.Preamble))
            utf8 = utf8[3..];
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
            return (EncodingInvalid, [new FieldError("$", EncodingInvalid.Code, "The body is not valid UTF-8; send JSON encoded as UTF-8 (RFC 8259 §8.1).")]);
        var walk = new Walk(options);
        try
        {
            walk.Run(utf8, contract);
        }
        catch (JsonException e)
        {
            var message = e.Message.Split(" LineNumber:", 2)[0];
            return (CommonErrors.MalformedJson, [new FieldError("$", CommonErrors.MalformedJson.Code, "The body is not valid JSON: " + message)]);
        }
        if (walk.Errors.Count == 0)
            return null;
        var error = walk.Errors.Any(e => e.Code == DuplicateMember.Code) ? DuplicateMember
            : walk.Errors.Any(e => e.Code == WrongTypeCode) ? CommonErrors.MalformedJson
            : CommonErrors.ValidationFailed;
        return (error, walk.Errors);
    }

    /// <summary>The bounds a member declares (or the defaults), as the checker enforces them and the OpenAPI document states them.</summary>
    public sealed record FieldRule(int? MinLength, int MaxLength, int MaxItems, decimal? Minimum, decimal? Maximum, TextKind Kind)
    {
        public static readonly FieldRule Default = new(null, InputText.DefaultMaxLength, InputText.DefaultMaxItems, null, null, TextKind.Line);
    }

    private static readonly ConcurrentDictionary<(Type, string), FieldRule> Rules = new();

    /// <summary>The rule of a member from its attributes (cached).</summary>
    public static FieldRule RuleOf(JsonPropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return Rules.GetOrAdd((property.DeclaringType, property.Name), _ => RuleOf(property.AttributeProvider));
    }

    public static FieldRule RuleOf(ICustomAttributeProvider? attributes)
    {
        var rule = FieldRule.Default;
        if (attributes is null)
            return rule;
        foreach (var attribute in attributes.GetCustomAttributes(true))
        {
            rule = attribute switch
            {
                MaxLengthAttribute max => rule with { MaxLength = max.Length, MaxItems = max.Length },
                MinLengthAttribute min => rule with { MinLength = min.Length },
                LengthAttribute length => rule with { MinLength = length.MinimumLength, MaxLength = length.MaximumLength, MaxItems = length.MaximumLength },
                StringLengthAttribute length => rule with { MinLength = length.MinimumLength > 0 ? length.MinimumLength : rule.MinLength, MaxLength = length.MaximumLength },
                RangeAttribute range => rule with
                {
                    Minimum = Convert.ToDecimal(range.Minimum, System.Globalization.CultureInfo.InvariantCulture),
                    Maximum = Convert.ToDecimal(range.Maximum, System.Globalization.CultureInfo.InvariantCulture),
                },
                DataTypeAttribute { DataType: DataType.MultilineText } => rule with { Kind = TextKind.Paragraph },
                _ => rule,
            };
        }
        return rule;
    }

    /// <summary>The range a JSON number must fall in for a CLR numeric type (integers: the type's own range).</summary>
    public static (decimal Min, decimal Max)? IntegerRange(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(int) => (int.MinValue, int.MaxValue),
        var t when t == typeof(long) => (long.MinValue, long.MaxValue),
        var t when t == typeof(short) => (short.MinValue, short.MaxValue),
        var t when t == typeof(byte) => (byte.MinValue, byte.MaxValue),
        var t when t == typeof(uint) => (uint.MinValue, uint.MaxValue),
        var t when t == typeof(ulong) => (ulong.MinValue, ulong.MaxValue),
        _ => null,
    };

    private enum Expect
    {
        Any,
        String,
        Number,
        Boolean,
        Array,
        Object,
        Dictionary,
    }

    private static Expect ExpectOf(Type? type, JsonSerializerOptions options)
    {
        if (type is null)
            return Expect.Any;
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(object) || t == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(t) || t == typeof(JsonDocument))
            return Expect.Any;
        if (t == typeof(string) || t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(TimeOnly)
            || t == typeof(TimeSpan) || t == typeof(Guid) || t == typeof(Uri) || t.IsEnum)
            return Expect.String;
        if (t == typeof(bool))
            return Expect.Boolean;
        if (t.IsPrimitive || t == typeof(decimal))
            return Expect.Number;
        return options.GetTypeInfo(t).Kind switch
        {
            JsonTypeInfoKind.Object => Expect.Object,
            JsonTypeInfoKind.Enumerable => Expect.Array,
            JsonTypeInfoKind.Dictionary => Expect.Dictionary,
            _ => Expect.Any,
        };
    }

    private static string Describe(Expect expect) => expect switch
    {
        Expect.String => "a string",
        Expect.Number => "a number",
        Expect.Boolean => "true or false",
        Expect.Array => "an array",
        Expect.Object or Expect.Dictionary => "an object",
        _ => "a JSON value",
    };

    /// <summary>One pass over the tokens, keeping per open object the names seen and the contract of its members.</summary>
    private sealed class Walk(JsonSerializerOptions options)
    {
        private sealed class Frame
        {
            public required string Path { get; init; }
            public required bool IsArray { get; init; }
            public JsonTypeInfo? Info { get; init; }
            public Type? ItemType { get; init; }
            public FieldRule Rule { get; init; } = FieldRule.Default;
            public HashSet<string>? Seen { get; init; }
            public int Count { get; set; }

            // The member whose value comes next (objects).
            public Type? NextType { get; set; }
            public FieldRule NextRule { get; set; } = FieldRule.Default;
            public string NextPath { get; set; } = "";
        }

        public List<FieldError> Errors { get; } = [];
        private readonly Stack<Frame> _frames = new();

        public void Run(ReadOnlySpan<byte> utf8, Type? contract)
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = options.MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    Member(ref reader);
                    continue;
                }
                if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    _frames.Pop();
                    continue;
                }
                var (type, rule, path) = NextValue(contract);
                Value(ref reader, type, rule, path);
            }
        }

        private (Type? Type, FieldRule Rule, string Path) NextValue(Type? root)
        {
            if (!_frames.TryPeek(out var frame))
                return (root, FieldRule.Default, "$");
            if (!frame.IsArray)
                return (frame.NextType, frame.NextRule, frame.NextPath);
            var index = frame.Count++;
            if (frame.Count == frame.Rule.MaxItems + 1)
                Errors.Add(new FieldError(frame.Path, TooManyItemsCode, $"{frame.Path} may have at most {frame.Rule.MaxItems} items."));
            // Items of a list of strings obey the list's text kind and the default length.
            return (frame.ItemType, FieldRule.Default with { Kind = frame.Rule.Kind }, $"{frame.Path}[{index}]");
        }

        private void Member(ref Utf8JsonReader reader)
        {
            var frame = _frames.Peek();
            var name = ReadString(ref reader, frame.Path + ".(name)");
            var path = frame.Path == "$" ? name ?? "?" : $"{frame.Path}.{name}";
            frame.NextPath = path;
            frame.NextType = null;
            frame.NextRule = FieldRule.Default;
            if (name is null)
                return;
            if (!frame.Seen!.Add(name))
                Errors.Add(new FieldError(path, DuplicateMember.Code, $"{path} appears more than once in its object."));
            if (InputText.Problem(name) is { } problem)
                Errors.Add(new FieldError(path, problem.Code, "The member name: " + problem.Message));
            if (frame.Info is { Kind: JsonTypeInfoKind.Object } info)
            {
                var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                var property = info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, comparison));
                if (property is not null)
                {
                    frame.NextType = property.PropertyType;
                    frame.NextRule = RuleOf(property);
                }
            }
            else if (frame.Info is { Kind: JsonTypeInfoKind.Dictionary } dictionary)
            {
                frame.NextType = dictionary.ElementType;
            }
        }

        private void Value(ref Utf8JsonReader reader, Type? type, FieldRule rule, string path)
        {
            var expect = ExpectOf(type, options);
            if (reader.TokenType == JsonTokenType.Null)
                return; // absent: whether it may be is the operation's rule, reported with its other rules
            var actual = reader.TokenType switch
            {
                JsonTokenType.String => Expect.String,
                JsonTokenType.Number => Expect.Number,
                JsonTokenType.True or JsonTokenType.False => Expect.Boolean,
                JsonTokenType.StartArray => Expect.Array,
                _ => Expect.Object,
            };
            var fits = expect == Expect.Any || expect == actual || (expect == Expect.Dictionary && actual == Expect.Object);
            if (!fits)
            {
                Errors.Add(new FieldError(path, WrongTypeCode, $"{path} must be {Describe(expect)}, not {Describe(actual)}."));
                // The value is still read through, so that repeated names and bad text inside it are reported too.
                expect = Expect.Any;
                type = null;
            }
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    var comparer = expect == Expect.Object && options.PropertyNameCaseInsensitive ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
                    _frames.Push(new Frame
                    {
                        Path = path,
                        IsArray = false,
                        Info = expect is Expect.Object or Expect.Dictionary ? options.GetTypeInfo(Nullable.GetUnderlyingType(type!) ?? type!) : null,
                        Seen = new HashSet<string>(comparer),
                    });
                    break;
                case JsonTokenType.StartArray:
                    _frames.Push(new Frame
                    {
                        Path = path,
                        IsArray = true,
                        ItemType = expect == Expect.Array ? options.GetTypeInfo(Nullable.GetUnderlyingType(type!) ?? type!).ElementType : null,
                        Rule = expect == Expect.Array ? rule : FieldRule.Default,
                    });
                    break;
                case JsonTokenType.String:
                    Text(ReadString(ref reader, path), rule, path, expect == Expect.String && (Nullable.GetUnderlyingType(type!) ?? type) == typeof(string));
                    break;
                case JsonTokenType.Number when expect == Expect.Number:
                    Number(ref reader, type!, rule, path);
                    break;
                default:
                    break;
            }
        }

        private string? ReadString(ref Utf8JsonReader reader, string path)
        {
            try
            {
                return reader.GetString();
            }
            catch (InvalidOperationException)
            {
                // An escaped lone surrogate (\ud800) cannot become a string at all.
                Errors.Add(new FieldError(path, InputText.UnpairedSurrogate, "The text has an unpaired surrogate."));
                return null;
            }
        }

        private void Text(string? value, FieldRule rule, string path, bool isText)
        {
            if (value is null)
                return;
            if (InputText.Problem(value, rule.Kind) is { } problem)
            {
                Errors.Add(new FieldError(path, problem.Code, problem.Message));
                return;
            }
            var length = InputText.Length(InputText.Normalise(value));
            if (length > rule.MaxLength)
                Errors.Add(new FieldError(path, TooLongCode, $"{path} must be at most {rule.MaxLength} characters."));
            else if (isText && rule.MinLength is { } min && length < min)
                Errors.Add(new FieldError(path, TooShortCode, $"{path} must be at least {min} characters."));
        }

        private void Number(ref Utf8JsonReader reader, Type type, FieldRule rule, string path)
        {
            var integer = IntegerRange(type);
            if (integer is not null && !reader.TryGetInt64(out _) && !reader.TryGetUInt64(out _))
            {
                Errors.Add(new FieldError(path, WrongTypeCode, $"{path} must be a whole number."));
                return;
            }
            if (!reader.TryGetDecimal(out var value))
            {
                Errors.Add(new FieldError(path, OutOfRangeCode, $"{path} is out of range."));
                return;
            }
            var (min, max) = (rule.Minimum ?? integer?.Min, rule.Maximum ?? integer?.Max);
            if ((min is { } lo && value < lo) || (max is { } hi && value > hi))
                Errors.Add(new FieldError(path, OutOfRangeCode, $"{path} must be between {min?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "−∞"} and {max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"}."));
        }
    }
}
