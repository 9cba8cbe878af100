using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Client;

/// <summary>The register answered with an RFC 9457 problem; <see cref="Code"/> is the stable error code to branch on.</summary>
public sealed class FlexRegistryProblemException(int status, ProblemResponse problem)
    : Exception($"{status} {problem.Code}: {problem.Detail ?? problem.Title}")
{
    public int Status { get; } = status;
    public ProblemResponse Problem { get; } = problem;
    public string? Code => Problem.Code;
}
