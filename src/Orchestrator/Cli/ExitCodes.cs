namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>Process exit codes of the CLI verbs, so scripts can branch on the outcome.</summary>
public static class ExitCodes
{
    public const int Completed = 0;
    public const int Failed = 1;
    public const int Rejected = 2;
    public const int Cancelled = 130;
}
