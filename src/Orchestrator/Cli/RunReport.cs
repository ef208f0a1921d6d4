using System.Text.Json;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>Prints a run's result and picks its exit code.</summary>
public static class RunReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static int Print(TextWriter output, RunOutcome outcome)
    {
        switch (outcome.State)
        {
            case "completed":
                output.WriteLine("workflow completed; outputs:");
                output.WriteLine(JsonSerializer.Serialize(outcome.Outputs, Indented));
                return ExitCodes.Ok;
            case "rejected":
                PrintErrors(output, "definition", outcome.Errors ?? []);
                return ExitCodes.Refused;
            case "cancelled":
                output.WriteLine($"workflow cancelled: {outcome.Error}");
                return ExitCodes.Cancelled;
            default:
                output.WriteLine($"workflow failed: {outcome.Error}");
                return ExitCodes.Failed;
        }
    }

    public static void PrintErrors(TextWriter output, string source, IReadOnlyList<DefinitionError> errors)
    {
        output.WriteLine($"workflow rejected: {errors.Count} problem(s) in {source}:");
        foreach (var error in errors)
            output.WriteLine($"  - {error}");
    }
}
