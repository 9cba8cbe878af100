namespace FlexRegistry.Shared;

/// <summary>Collects every broken rule of a request so that the caller hears about all of them in one answer.</summary>
public sealed class FieldErrors
{
    private readonly List<FieldError> _errors = [];

    public bool Any => _errors.Count > 0;
    public IReadOnlyList<FieldError> All => _errors;

    public void Add(string field, string code, string message) => _errors.Add(new FieldError(field, code, message));

    public void Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            Add(field, "field.required", $"{field} is required.");
    }

    /// <summary>Required and at most <paramref name="max"/> characters (e.g. the reason every operator action carries).</summary>
    public void Required(string field, string? value, int max)
    {
        Required(field, value);
        MaxLength(field, value, max);
    }

    /// <summary>The page size to use: <paramref name="limit"/>, or <paramref name="defaultSize"/> when absent; out of 1…<paramref name="max"/> it is recorded as an error.</summary>
    public int PageSize(int? limit, int defaultSize, int max)
    {
        var size = limit ?? defaultSize;
        if (size < 1 || size > max)
            Add("limit", "field.out_of_range", $"limit must be between 1 and {max}.");
        return size;
    }

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
            Add(field, "field.too_long", $"{field} must be at most {max} characters.");
    }

    /// <summary>Throws when any rule was broken; call once after all checks.</summary>
    public void ThrowIfAny()
    {
        if (Any)
            throw new RequestValidationException(_errors);
    }
}
