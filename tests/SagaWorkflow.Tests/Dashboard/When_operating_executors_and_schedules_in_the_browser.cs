using System.Net.Http.Json;
using System.Text.Json;
using SagaWorkflow.Tests.Integration;
using static Microsoft.Playwright.Assertions;

namespace SagaWorkflow.Tests.Dashboard;

/// <summary>Its own host: draining stops the in-process executor, which the other dashboard tests need running.</summary>
public sealed class When_operating_executors_and_schedules_in_the_browser(DashboardHost host) : IClassFixture<DashboardHost>
{
    [BrowserFact]
    public async Task Drain_with_a_deadline_drains_the_executor()
    {
        var executor = await OnlineExecutorAsync();
        var page = await host.NewPageAsync();
        await DashboardHost.EnterKeyAsync(page);
        await page.GotoAsync("executors");
        var row = page.Locator($"tr[data-executor='{executor}']");
        await Expect(row.GetByTestId("executor-state")).ToHaveTextAsync("Online");
        // Heartbeats arrive every second: the live table shows the next one without a reload.
        var heartbeat = await row.GetByTestId("heartbeat").TextContentAsync();
        await Expect(row.GetByTestId("heartbeat")).Not.ToHaveTextAsync(heartbeat!);
        await DashboardHost.ScreenshotAsync(page, "executors");

        await page.GetByLabel("Executor", new() { Exact = true }).SelectOptionAsync(executor);
        await page.GetByLabel("Deadline").FillAsync("30s");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Drain", Exact = true }).ClickAsync();

        await Expect(page.Locator(".notice")).ToHaveTextAsync($"{executor}: drain requested.");
        JsonElement view = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            view = (await host.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors"))[0];
            return view.GetProperty("drainedAt").ValueKind == JsonValueKind.String;
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"never drained: {view}"));
        await Expect(row).ToContainTextAsync("drained");
    }

    [BrowserFact]
    public async Task A_schedule_is_paused_and_resumed_and_definitions_are_drawn()
    {
        using var created = await host.Admin.PostAsJsonAsync("/api/v1/schedules", new
        {
            id = "ui-nightly", cron = "0 0 3 * * ?", timeZone = "Europe/Paris",
            workflow = new { name = "nightly", nodes = new[] { new { id = "a", capability = "noop" } } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        using var stored = await host.Admin.PutAsJsonAsync("/api/v1/definitions/ui-orders", new
        {
            nodes = new object[]
            {
                new { id = "validate", capability = "transform" },
                new { id = "reserve", capability = "http", dependsOn = new[] { "validate" } },
                new { id = "charge", capability = "http", dependsOn = new[] { "validate" } },
                new { id = "ship", capability = "delay", dependsOn = new[] { "reserve", "charge" } },
            },
        });
        Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        var page = await host.NewPageAsync();
        await DashboardHost.EnterKeyAsync(page);

        await page.GotoAsync("schedules");
        var schedule = page.Locator("[data-schedule='ui-nightly']");
        await page.GetByLabel("Schedule", new() { Exact = true }).SelectOptionAsync("ui-nightly");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
        await Expect(page.Locator(".notice")).ToHaveTextAsync("ui-nightly: paused.");
        await Expect(schedule.Locator(".badge")).ToHaveTextAsync("Paused");
        // Resumed elsewhere (the API): the live list shows it without a reload.
        using (var resumed = await host.Admin.PostAsync("/api/v1/schedules/ui-nightly/resume", null))
            Assert.True(resumed.IsSuccessStatusCode);
        await Expect(schedule.Locator(".badge")).ToHaveTextAsync("Normal");
        await DashboardHost.ScreenshotAsync(page, "schedules");

        await page.GotoAsync("definitions/ui-orders");
        await Expect(page.Locator("[data-node]")).ToHaveCountAsync(4);
        await Expect(page.Locator("path.edge")).ToHaveCountAsync(4);
        await DashboardHost.ScreenshotAsync(page, "definitions");

        await page.GotoAsync("overview");
        await Expect(page.Locator("svg.chart")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-live='true']")).ToHaveCountAsync(1);
        // No executor offers this capability: the node waits in its queue, and the live backlog chart shows it queued.
        await host.SubmitAsync(new { name = "ui-backlog", nodes = new[] { new { id = "a", capability = "ui-backlog" } } });
        await Expect(page.Locator("rect.bar-queued > title", new() { HasText = "ui-backlog queued 1" })).ToHaveCountAsync(1);
        await DashboardHost.ScreenshotAsync(page, "overview");
    }

    private async Task<string> OnlineExecutorAsync()
    {
        JsonElement executors = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            executors = await host.Anonymous.GetFromJsonAsync<JsonElement>("/api/v1/executors");
            return executors.GetArrayLength() == 1 && executors[0].GetProperty("state").GetString() == "Online";
        }, TimeSpan.FromSeconds(30), () => Task.FromResult($"no online executor: {executors}"));
        return executors[0].GetProperty("id").GetString()!;
    }
}
