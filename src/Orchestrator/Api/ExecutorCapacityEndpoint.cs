using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using SagaWorkflow.ApiContracts;
using SagaWorkflow.Contracts;
using SagaWorkflow.Persistence;

namespace SagaWorkflow.Orchestrator.Api;

/// <summary>
/// <c>PUT /api/v1/executors/{id}/capacity</c> <c>{"concurrency": 16}</c>: changes how many attempts a running executor
/// runs at once per queue, and answers once the executor applied it (or refused it). Synchronous, unlike drain, because
/// the change takes effect at once: a lowered limit only stops new starts, it never waits for running attempts.
/// </summary>
public static class ExecutorCapacityEndpoint
{
    public const int MaxConcurrency = 1000;

    public static async Task<IResult> SetAsync(string id, HttpRequest request, WorkflowDbContext db, IRequestClient<SetExecutorCapacity> client,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
            return problem;
        int concurrency;
        using (body)
        {
            var root = body!.RootElement;
            List<RequestProblem> problems = [.. RequestJson.UnknownProperties(root, "capacity takes 'concurrency' (1-1000)", RequestFields.Of<CapacityBody>())];
            if (!root.TryGetProperty("concurrency", out var value) || value.ValueKind == JsonValueKind.Null)
                problems.Add(new RequestProblem("concurrency", "'concurrency' is required: the attempts the executor may run at once per queue, 1-1000."));
            else if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out concurrency) || concurrency is < 1 or > MaxConcurrency)
                problems.Add(new RequestProblem("concurrency", $"'concurrency' must be a whole number from 1 to {MaxConcurrency}; got {value.GetRawText()}."));
            if (problems.Count > 0)
                return ApiProblems.InvalidRequest(problems);
            concurrency = value.GetInt32();
        }

        var state = await db.Executors.AsNoTracking().Where(e => e.ExecutorId == id).Select(e => e.CurrentState).SingleOrDefaultAsync(cancellationToken);
        if (state is null)
            return ApiProblems.NotFound($"No executor '{id}' has ever announced itself; GET /api/v1/executors lists the known ones.");
        if (state is not "Online")
            return ApiProblems.Conflict($"Executor '{id}' is {state}; only an Online executor can change its capacity (a restarted one starts from its configured Executor:Concurrency).");

        try
        {
            var response = await client.GetResponse<ExecutorCapacityChanged, ExecutorCapacityRefused>(
                new SetExecutorCapacity { ExecutorId = id, Concurrency = concurrency }, cancellationToken);
            if (response.Is(out Response<ExecutorCapacityRefused>? refused))
                return ApiProblems.Conflict($"Executor '{id}' refused capacity {concurrency}: {refused.Message.Reason}.");
            response.Is(out Response<ExecutorCapacityChanged>? answer);
            var changed = answer!.Message;
            return Results.Ok(new CapacityAnswer(id, changed.Concurrency, changed.Previous, changed.MaxConcurrency, changed.InFlight, changed.Timestamp));
        }
        catch (RequestTimeoutException)
        {
            return ApiProblems.Create(StatusCodes.Status504GatewayTimeout, "Executor did not answer",
                $"Executor '{id}' did not answer the capacity change within 5 s; it may be frozen or cut off from the broker. Its capacity may or may not have changed: GET /api/v1/executors shows the value its heartbeats report.");
        }
    }
}
