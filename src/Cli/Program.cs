using SagaWorkflow.Cli;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C stops watching (exit 130); it never cancels the workflow — `sagaflow cancel` does that.
    e.Cancel = true;
    interrupted.Cancel();
};
return await SagaflowCommand.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, interrupted.Token,
    interactive: !Console.IsOutputRedirected);
