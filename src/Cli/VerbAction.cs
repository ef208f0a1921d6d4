using System.CommandLine;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Cli;

/// <summary>
/// Turns a verb's body into a System.CommandLine action: opens the session (the --api URL checked first), and maps what
/// can go wrong to one line on stderr and its exit code, never a stack trace.
/// </summary>
public sealed class VerbAction(SagaflowSettings settings, Option<string?> api, Option<string?> key)
{
    private const string KeepsRunning = "interrupted (the workflow keeps running; `sagaflow cancel <id>` stops it)";

    public Func<ParseResult, CancellationToken, Task<int>> Run(Func<Session, ParseResult, CancellationToken, Task<int>> verb, string interrupted = KeepsRunning) =>
        async (parsed, cancellationToken) =>
        {
            var url = parsed.GetValue(api) ?? settings.Environment("SAGAFLOW_API") ?? SagaflowCommand.DefaultApi;
            if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
                return Fail($"--api '{url}' is not an http(s) URL such as {SagaflowCommand.DefaultApi}");
            using var client = new ApiClient(baseAddress, parsed.GetValue(key) ?? settings.Environment("SAGAFLOW_API_KEY"), settings.Handler, settings.RequestTimeout);
            var screen = new Screen(settings.Output, settings.Interactive);
            var session = new Session(client, screen, new WorkflowWatcher(client, screen, settings.PollInterval), new DrainWatcher(client, settings.Output, settings.PollInterval));
            try
            {
                return await verb(session, parsed, cancellationToken);
            }
            catch (Exception ex) when (ex is ApiException or UsageException)
            {
                return Fail(ex.Message);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await settings.Errors.WriteLineAsync(interrupted);
                return ExitCodes.Interrupted;
            }
        };

    private int Fail(string message)
    {
        settings.Errors.WriteLine(message);
        return ExitCodes.Refused;
    }
}
