using FlexRegistry.Shared;

namespace FlexRegistry.Events;

/// <summary>Raised after a commit that appended events, so the webhook dispatcher fans them out at once.</summary>
public sealed class EventLogSignal : WorkSignal;
