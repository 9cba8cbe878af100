using FlexRegistry.Shared;

namespace FlexRegistry.Audit;

public static class AuditErrors
{
    public static readonly ErrorCode RecordNotFound = new("audit.record_not_found", 404, "No audit record you may read has that leaf index.");
    public static readonly ErrorCode NoTreeHead = new("audit.no_tree_head", 404, "No tree head has been signed yet: the log is empty.");
}
