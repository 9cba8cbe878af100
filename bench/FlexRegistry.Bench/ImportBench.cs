namespace FlexRegistry.Bench;
public static class ImportBench
{
    public static Task<int> CopyBaselineAsync(Args args) => throw new NotImplementedException();
    public static Task<int> ImportAsync(Args args) => throw new NotImplementedException();
}
