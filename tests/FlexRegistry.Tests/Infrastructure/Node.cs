using System.ComponentModel;
using System.Diagnostics;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// Runs the independent checks in tests/interop-events with Node.js. test.sh installs their npm packages
/// (<c>npm ci --prefix tests/interop-events</c>); without node or the packages the tests fail and say why, never skip.
/// </summary>
public static class Node
{
    public static string InteropDirectory => TestsDirectory("interop-events");

    /// <summary>tests/<paramref name="name"/> in the repository.</summary>
    public static string TestsDirectory(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlexRegistry.slnx")))
            dir = dir.Parent;
        return dir is null
            ? throw new InvalidOperationException("Cannot find the repository root (FlexRegistry.slnx) above " + AppContext.BaseDirectory)
            : Path.Combine(dir.FullName, "tests", name);
    }

    public static Task<(int ExitCode, string Output)> RunAsync(string script, string argument)
    {
        var directory = InteropDirectory;
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
            Assert.Fail($"{directory}/node_modules is missing: run `npm ci --prefix tests/interop-events` (test.sh does).");
        return RunInAsync(directory, script, argument);
    }

    /// <summary>Runs a script that needs nothing but Node.js itself (e.g. tests/interop-audit).</summary>
    public static async Task<(int ExitCode, string Output)> RunInAsync(string directory, string script, string argument)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"Node.js is required for the independent checks and was not found on PATH: {e.Message}");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, (await stdout) + (await stderr));
        }
    }
}
