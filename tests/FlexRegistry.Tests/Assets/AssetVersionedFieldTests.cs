using FlexRegistry.Assets;
using FlexRegistry.Visibility;

namespace FlexRegistry.Tests.Assets;

/// <summary>The history shows a changed field only when the reader sees its group: every field a version records must have exactly one.</summary>
public sealed class AssetVersionedFieldTests
{
    [Fact]
    public void EveryVersionedField_BelongsToExactlyOneFieldGroupOfTheVisibilityRule()
    {
        var declared = Asset.VersionedPaths.Where(p => !Asset.IsDerived(p)).ToList();
        Assert.Contains("provenance.technical.confirmedBy", declared);
        foreach (var path in declared)
        {
            var groups = VisibilityRule.AssetGroups.Where(g => g.Fields.Any(f => path == f || path.StartsWith(f + ".", StringComparison.Ordinal))).ToList();
            Assert.True(groups.Count == 1, $"{path} is in {groups.Count} field groups");
            Assert.Equal(groups[0], AssetHistory.GroupOf(path));
        }
    }
}
