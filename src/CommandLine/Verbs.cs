using System.CommandLine;

namespace SagaWorkflow.CommandLine;

/// <summary>
/// Parses and invokes a command tree the same way in every binary: a usage error prints its messages (and, for a verb
/// group given without its verb, that group's help) on stderr and exits <see cref="ExitCodes.Refused"/>, where
/// System.CommandLine alone would exit 1, the code of a failed workflow.
/// </summary>
public static class Verbs
{
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, TextWriter output, TextWriter errors,
        CancellationToken cancellationToken)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            foreach (var error in parsed.Errors)
                await errors.WriteLineAsync(error.Message);
            if (parsed.CommandResult.Command.Action is null)
                await root.Parse([.. args, "--help"]).InvokeAsync(new InvocationConfiguration { Output = errors }, cancellationToken);
            return ExitCodes.Refused;
        }

        // Each binary handles Ctrl+C itself (sagaflow stops watching, run cancels its workflow) and maps its own errors.
        var invocation = new InvocationConfiguration { Output = output, Error = errors, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await parsed.InvokeAsync(invocation, cancellationToken);
    }
}
