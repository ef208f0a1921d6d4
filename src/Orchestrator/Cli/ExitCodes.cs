namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>Process exit codes of the CLI verbs, so scripts can branch on the outcome.</summary>
public static class ExitCodes
{
    public const int Completed = 0;
    public const int Failed = 1;
    public const int Rejected = 2;
    public const int Cancelled = 130;

    /// <summary>The database cannot be used (sysexits' EX_UNAVAILABLE); one line on stderr names the key and why.</summary>
    public const int DatabaseUnavailable = 69;

    /// <summary>A configuration value is invalid (sysexits' EX_CONFIG); one line on stderr names the key and why.</summary>
    public const int BadConfiguration = 78;
}
