using SagaWorkflow.CommandLine;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Cli;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Tests.Api;

public sealed class When_resolving_a_node_in_doubt(ApiHost api) : IClassFixture<ApiHost>
{
    private static object Payment(string name) => new
    {
        name,
        nodes = new object[]
        {
            new { id = "charge", capability = "delay", input = new { ms = 600_000 }, onExecutorLost = "park" },
            new { id = "receipt", capability = "noop", dependsOn = new[] { "charge" } },
        },
    };

    /// <summary>A running park node whose executor is declared lost (what the failover consumer sends) waits in doubt.</summary>
    private async Task<(Guid Id, JsonElement View)> InDoubtAsync()
    {
        var id = await api.SubmitAsync(Payment("api-resolve-" + Guid.NewGuid().ToString("N")[..6]));
        var running = await api.WaitForNodeAsync(id, "charge", "running");
        var endpoint = await api.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri("queue:" + NodeQueues.WorkflowState));
        await endpoint.Send(new ReassignNodes
        {
            WorkflowId = id, ExecutorId = ApiHost.Node(running, "charge").GetProperty("executorId").GetString()!, Reason = "declared lost by the test",
            Attempts = [new NodeAttemptRef { NodeId = "charge", Attempt = 1 }],
        });
        return (id, await api.WaitForNodeAsync(id, "charge", "in_doubt"));
    }

    [Fact]
    public async Task Succeed_with_an_output_completes_the_branch_with_that_output()
    {
        var (id, _) = await InDoubtAsync();

        using var response = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/nodes/charge/resolve",
            new { decision = "succeed", output = new { charged = true }, reason = "provider confirms" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var done = await api.WaitForStateAsync(id, "Completed");
        var charge = ApiHost.Node(done, "charge");
        Assert.Equal("succeeded", charge.GetProperty("state").GetString());
        Assert.True(charge.GetProperty("output").GetProperty("charged").GetBoolean());
        Assert.Equal("succeeded", ApiHost.Node(done, "receipt").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Fail_fails_the_workflow_and_a_second_resolve_is_a_conflict()
    {
        var (id, _) = await InDoubtAsync();

        using var fail = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/nodes/charge/resolve", new { decision = "fail", reason = "provider says no" });

        Assert.Equal(HttpStatusCode.Accepted, fail.StatusCode);
        var failed = await api.WaitForStateAsync(id, "Failed");
        Assert.Equal("failed", ApiHost.Node(failed, "charge").GetProperty("state").GetString());
        using var again = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/nodes/charge/resolve", new { decision = "retry" });
        var problem = await Problems.AssertProblemAsync(again, HttpStatusCode.Conflict);
        Assert.Contains("is failed", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_problem_of_a_bad_body_is_listed_and_unknown_targets_are_404()
    {
        var (id, view) = await InDoubtAsync();

        using var bad = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/nodes/charge/resolve", new { decision = "retry", output = 1, colour = "red" });
        var problem = await Problems.AssertProblemAsync(bad, HttpStatusCode.BadRequest);
        var properties = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("property").GetString() ?? "").Order().ToArray();
        Assert.Equal(["colour", "output"], properties);
        using var missing = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/nodes/charge/resolve", new { reason = "no decision" });
        Assert.Contains("'decision' is required", (await Problems.AssertProblemAsync(missing, HttpStatusCode.BadRequest)).GetRawText(), StringComparison.Ordinal);

        using var noNode = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/nodes/refund/resolve", new { decision = "retry" });
        Assert.Contains("no node 'refund'", (await Problems.AssertProblemAsync(noNode, HttpStatusCode.NotFound)).Detail(), StringComparison.Ordinal);
        using var noWorkflow = await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{Guid.NewGuid()}/nodes/charge/resolve", new { decision = "retry" });
        await Problems.AssertProblemAsync(noWorkflow, HttpStatusCode.NotFound);
        using var anonymous = await api.Anonymous.PostAsJsonAsync($"/api/v1/workflows/{id}/nodes/charge/resolve", new { decision = "retry" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("in_doubt", ApiHost.Node(await api.WorkflowAsync(id), "charge").GetProperty("state").GetString());
        Assert.Equal(view.GetProperty("state").GetString(), (await api.WorkflowAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_cli_resolve_with_watch_follows_the_workflow_to_the_end_and_a_bad_output_is_refused_before_any_request()
    {
        var (id, _) = await InDoubtAsync();

        var (badExit, badErrors) = await SagaflowAsync("resolve", id.ToString(), "charge", "succeed", "--output", "{not json");
        Assert.Equal(ExitCodes.Refused, badExit);
        Assert.Contains("--output is not valid JSON", badErrors, StringComparison.Ordinal);
        Assert.Equal("in_doubt", ApiHost.Node(await api.WorkflowAsync(id), "charge").GetProperty("state").GetString());

        var (exit, errors) = await SagaflowAsync("resolve", id.ToString(), "charge", "succeed", "--output", """{"charged":true}""", "--watch");

        Assert.True(exit == 0, $"exit {exit}: {errors}");
        var done = await api.WorkflowAsync(id);
        Assert.Equal("Completed", done.GetProperty("state").GetString());
        Assert.True(ApiHost.Node(done, "charge").GetProperty("output").GetProperty("charged").GetBoolean());
    }

    private async Task<(int Exit, string Errors)> SagaflowAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await SagaflowCommand.RunAsync(["--api", api.Anonymous.BaseAddress!.ToString(), .. args], output, errors,
            name => name == "SAGAFLOW_API_KEY" ? ApiHost.AdminKey : null, CancellationToken.None, interactive: false, pollInterval: TimeSpan.FromMilliseconds(100));
        return (exit, errors.ToString() + output);
    }
}
