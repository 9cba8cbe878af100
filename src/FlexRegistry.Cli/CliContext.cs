using Spectre.Console;

namespace FlexRegistry.Cli;

/// <summary>
/// What a command needs from its surroundings: the console, the environment variables and, for tests, the HTTP
/// handler that reaches the register in-process. The executable uses <see cref="FromProcess"/>.
/// </summary>
public sealed class CliContext
{
    public required IAnsiConsole Console { get; init; }

    public required TextWriter Error { get; init; }

    public required Func<string, string?> Environment { get; init; }

    /// <summary>When set, requests go through this handler (e.g. a test server's) instead of the network.</summary>
    public Func<HttpMessageHandler>? Handler { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public static CliContext FromProcess() => new()
    {
        Console = AnsiConsole.Console,
        Error = System.Console.Error,
        Environment = System.Environment.GetEnvironmentVariable,
    };
}
