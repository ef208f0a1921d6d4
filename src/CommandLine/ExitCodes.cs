namespace SagaWorkflow.CommandLine;

/// <summary>
/// The exit codes of every verb of every binary (sagaflow, the orchestrator, the executor), so a script branches on one
/// table. A workflow that ended cancelled is 3 whoever cancelled it; 130 means the command itself was interrupted before
/// it knew an outcome (the shell's convention for Ctrl+C), which is why the two differ.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Refused = 2;
    public const int Cancelled = 3;
    public const int DatabaseUnavailable = 69;
    public const int BadConfiguration = 78;
    public const int Interrupted = 130;

    /// <summary>Every code with what it means, in order: help text and docs are generated from (and tested against) this.</summary>
    public static IReadOnlyList<ExitCode> All { get; } =
    [
        new(Ok, "ok", "done: the workflow completed, the request was accepted, the executor drained"),
        new(Failed, "failed", "the workflow failed, or the executor was lost while draining"),
        new(Refused, "refused", "bad usage, a rejected definition or request (every problem printed), or no usable answer from the API"),
        new(Cancelled, "cancelled", "the workflow ended cancelled"),
        new(DatabaseUnavailable, "database unavailable", "the database cannot be used (sysexits EX_UNAVAILABLE); one line names the key and why"),
        new(BadConfiguration, "bad configuration", "a setting is invalid (sysexits EX_CONFIG); one line names the key and the value"),
        new(Interrupted, "interrupted", "Ctrl+C stopped the command; what it started goes on"),
    ];

    /// <summary>The table as help text, one code a line.</summary>
    public static string Describe() =>
        "Exit codes:" + string.Concat(All.Select(c => $"{Environment.NewLine}  {c.Code,3}  {c.Meaning}"));
}

/// <summary>One row of <see cref="ExitCodes.All"/>.</summary>
public sealed record ExitCode(int Code, string Name, string Meaning);
