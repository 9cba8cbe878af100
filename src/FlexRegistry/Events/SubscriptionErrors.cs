using FlexRegistry.Shared;

namespace FlexRegistry.Events;

public static class SubscriptionErrors
{
    public static readonly ErrorCode NotFound = new("subscription.not_found", 404, "No such subscription.");

    // Field-error codes (reported inside a 400 request.validation_failed problem).
    public const string UrlInvalid = "subscription.url_invalid";
    public const string UrlNotHttps = "subscription.url_not_https";
    public const string UrlNotPublic = "subscription.url_not_public";
    public const string UrlUnresolvable = "subscription.url_unresolvable";
    public const string TypeUnknown = "subscription.type_unknown";
    public const string FilterInvalid = "subscription.filter_invalid";
}

public static class EventErrors
{
    public const string TypeUnknown = "event.type_unknown";
}
