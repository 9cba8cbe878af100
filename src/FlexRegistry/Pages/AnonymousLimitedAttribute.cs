using FlexRegistry.Shared;

namespace FlexRegistry.Pages;

/// <summary>
/// An anonymous page whose requests spend from the caller's address's window, shared with the API's anonymous
/// endpoints (<see cref="AnonymousLimit"/>, <see cref="RateLimitOptions.RegistrationsPerWindow"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AnonymousLimitedAttribute : Attribute;
