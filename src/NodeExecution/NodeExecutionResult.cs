using System.Text.Json;

namespace SagaWorkflow.NodeExecution;

/// <summary>The outcome of one attempt: an output, or an error saying whether another attempt could help.</summary>
public sealed record NodeExecutionResult
{
    private NodeExecutionResult() { }

    public bool Succeeded { get; private init; }
    public JsonElement? Output { get; private init; }
    public string? Error { get; private init; }
    public bool Retryable { get; private init; }

    public static NodeExecutionResult Success(JsonElement? output = null) => new() { Succeeded = true, Output = output };

    public static NodeExecutionResult Success<T>(T output)
        where T : class => Success(JsonSerializer.SerializeToElement(output));

    public static NodeExecutionResult Failure(string error, bool retryable) => new() { Error = error, Retryable = retryable };
}
