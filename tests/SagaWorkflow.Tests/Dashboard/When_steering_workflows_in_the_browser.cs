using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Contracts;
using SagaWorkflow.Tests.Api;
using static Microsoft.Playwright.Assertions;

namespace SagaWorkflow.Tests.Dashboard;

public sealed class When_steering_workflows_in_the_browser(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static object LongDelay(string name, string onLost = "redispatch") => new
    {
        name,
        nodes = new object[]
        {
            new { id = "charge", capability = "delay", input = new { ms = 600_000 }, onExecutorLost = onLost },
            new { id = "receipt", capability = "noop", dependsOn = new[] { "charge" } },
        },
    };

    [BrowserFact]
    public async Task A_new_user_finds_a_failed_run_sees_which_node_failed_and_why_retries_it_and_watches_it_finish()
    {
        // The service the node calls is down (503) until it is fixed, then answers.
        var fixedService = false;
        using var service = new Executors.LoopbackHttpServer(_ => Volatile.Read(ref fixedService)
            ? (200, """{"charged":true}""", "application/json")
            : (503, "maintenance", "text/plain"));
        var id = await host.SubmitAsync(new
        {
            name = "ui-retry",
            nodes = new object[]
            {
                new { id = "charge", capability = "http", input = new { method = "POST", url = service.BaseUrl + "charge", timeout = "5s" } },
                new { id = "receipt", capability = "noop", dependsOn = new[] { "charge" } },
            },
        });
        await host.WaitForStateAsync(id, "Failed");
        var page = await host.NewPageAsync();
        await DashboardHost.EnterKeyAsync(page);

        // Workflows -> the Failed count -> the run's failed node.
        await page.GotoAsync("");
        await page.GetByTestId("count-Failed").ClickAsync();
        await page.Locator($"a[href='workflows/{id}?node=charge']").ClickAsync();
        await Expect(page.GetByTestId("workflow-state")).ToHaveTextAsync("Failed");
        await Expect(page.Locator(".failure")).ToContainTextAsync("Failed at node charge");
        await Expect(page.Locator(".failure")).ToContainTextAsync("answered 503");

        // Fixed, retried from the page, and followed there without a reload until it completes.
        Volatile.Write(ref fixedService, true);
        await Expect(page.Locator("[data-live='true']")).ToHaveCountAsync(1);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Retry", Exact = true }).ClickAsync();
        await Expect(page.Locator(".notice")).ToHaveTextAsync("retry requested.");
        await page.EvaluateAsync("window.__sameDocument = 11");
        await Expect(page.GetByTestId("workflow-state")).ToHaveTextAsync("Completed");
        Assert.Equal(11, await page.EvaluateAsync<int>("window.__sameDocument"));
        await host.WaitForStateAsync(id, "Completed");
    }

    [BrowserFact]
    public async Task Cancel_with_the_stored_key_cancels_the_running_workflow()
    {
        var id = await host.SubmitAsync(LongDelay("ui-cancel"));
        await host.WaitForNodeAsync(id, "charge", "running");
        var page = await host.NewPageAsync();
        await DashboardHost.EnterKeyAsync(page);
        await page.GotoAsync("key");
        await Expect(page.GetByTestId("key-state")).ToHaveTextAsync("A key is stored for this session.");
        await DashboardHost.ScreenshotAsync(page, "key");

        // Acts at once, before the live circuit is up: the page must still carry the action out and then follow the run.
        await page.GotoAsync($"workflows/{id}", new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit });
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
        await Expect(page.Locator(".notice")).ToHaveTextAsync("pause requested.");
        await Expect(page.GetByTestId("workflow-state")).ToHaveTextAsync("Paused");
        await Expect(page.Locator("[data-live='true']")).ToHaveCountAsync(1);
        await page.EvaluateAsync("window.__sameDocument = 7");
        using (var resumed = await host.Admin.PostAsync($"/api/v1/workflows/{id}/resume", null))
            Assert.True(resumed.IsSuccessStatusCode);
        await Expect(page.GetByTestId("workflow-state")).ToHaveTextAsync("Running");
        Assert.Equal(7, await page.EvaluateAsync<int>("window.__sameDocument"));

        await page.GetByLabel("Reason (optional)").FillAsync("wrong order");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();

        await Expect(page.Locator(".notice")).ToHaveTextAsync("cancel requested.");
        await Expect(page.GetByTestId("workflow-state")).ToHaveTextAsync("Cancelled");
        await host.WaitForStateAsync(id, "Cancelled");
    }

    [BrowserFact]
    public async Task An_action_without_a_key_shows_the_refusal_the_api_gave()
    {
        var id = await host.SubmitAsync(LongDelay("ui-refused"));
        var page = await host.NewPageAsync();

        await page.GotoAsync($"workflows/{id}");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();

        await Expect(page.Locator(".problem-text")).ToHaveTextAsync(
            "401 Unauthorized: This endpoint needs an API key: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
        await Expect(page.Locator(".problem a[href='key']")).ToHaveCountAsync(1);
        Assert.Equal("Running", (await host.WorkflowAsync(id)).GetProperty("state").GetString());

        var reader = await host.NewPageAsync();
        await DashboardHost.EnterKeyAsync(reader, ApiHost.ReadKey);
        await reader.GotoAsync($"workflows/{id}");
        await reader.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
        await Expect(reader.Locator(".problem-text")).ToContainTextAsync("403 Forbidden: API key 'dashboard' has role 'read'");
    }

    [BrowserFact]
    public async Task A_node_parked_in_doubt_is_resolved_from_the_page()
    {
        var id = await host.SubmitAsync(LongDelay("ui-resolve", onLost: "park"));
        var running = await host.WaitForNodeAsync(id, "charge", "running");
        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri("queue:" + NodeQueues.WorkflowState));
        // What the failover consumer sends when the node's executor is declared lost: a park node then waits in doubt.
        await endpoint.Send(new ReassignNodes
        {
            WorkflowId = id, ExecutorId = ApiHost.Node(running, "charge").GetProperty("executorId").GetString()!, Reason = "declared lost by the test",
            Attempts = [new NodeAttemptRef { NodeId = "charge", Attempt = 1 }],
        });
        await host.WaitForNodeAsync(id, "charge", "in_doubt");
        var page = await host.NewPageAsync();
        await DashboardHost.EnterKeyAsync(page);

        await page.GotoAsync($"workflows/{id}?node=charge");
        await Expect(page.GetByTestId("node-state")).ToHaveTextAsync("in_doubt");
        await Expect(page.Locator("[data-live='true']")).ToHaveCountAsync(1);
        await page.GetByLabel("Decision").SelectOptionAsync("succeed");
        await page.GetByLabel("Output (JSON; succeed only, optional)").FillAsync("{\"charged\": true}");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Resolve", Exact = true }).ClickAsync();

        await Expect(page.Locator(".notice")).ToHaveTextAsync("succeed requested.");
        await host.WaitForStateAsync(id, "Completed");
        await Expect(page.GetByTestId("workflow-state")).ToHaveTextAsync("Completed");
        await Expect(page.GetByTestId("node-output")).ToContainTextAsync("\"charged\": true");
    }
}
