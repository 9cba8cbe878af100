namespace FlexRegistry.Bench;
public static class WebhookBench
{
    public static Task<int> RunAsync(Args args) => throw new NotImplementedException();
}
