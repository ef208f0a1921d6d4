using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SagaWorkflow.Tests.Dashboard;

public sealed class When_watching_workflows_in_the_browser(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static object Diamond(string name) => new
    {
        name,
        nodes = new object[]
        {
            new { id = "start", capability = "transform", input = new { order = 42 } },
            new { id = "wait", capability = "delay", input = new { ms = 2000 }, dependsOn = new[] { "start" } },
            new { id = "price", capability = "transform", input = new { total = 99.5 }, dependsOn = new[] { "start" } },
            new { id = "join", capability = "transform", input = new { shipped = true }, dependsOn = new[] { "wait", "price" } },
        },
    };

    [BrowserFact]
    public async Task A_diamond_turns_succeeded_without_a_reload_and_a_clicked_node_shows_its_output()
    {
        var id = await host.SubmitAsync(Diamond("ui-diamond"));
        // Paused while "wait" runs, "join" cannot start until the resume below, however slowly the page loads.
        await host.WaitForNodeAsync(id, "wait", "running");
        using (var paused = await host.Admin.PostAsync($"/api/v1/workflows/{id}/pause", null))
            Assert.True(paused.IsSuccessStatusCode);
        await host.WaitForStateAsync(id, "Paused");
        var page = await host.NewPageAsync();
        await page.GotoAsync($"workflows/{id}");
        await Expect(page.Locator("[data-live='true']")).ToHaveCountAsync(1);
        await page.EvaluateAsync("window.__sameDocument = 42");
        await Expect(page.Locator("[data-node='join']")).ToHaveAttributeAsync("data-state", "pending");

        using (var resumed = await host.Admin.PostAsync($"/api/v1/workflows/{id}/resume", null))
            Assert.True(resumed.IsSuccessStatusCode);
        foreach (var node in new[] { "start", "wait", "price", "join" })
            await Expect(page.Locator($"[data-node='{node}']")).ToHaveAttributeAsync("data-state", "succeeded");
        await Expect(page.GetByTestId("workflow-state")).ToHaveTextAsync("Completed");
        Assert.Equal(42, await page.EvaluateAsync<int>("window.__sameDocument"));

        await page.Locator("[data-node='join']").ClickAsync();
        await Expect(page.GetByTestId("node-panel")).ToContainTextAsync("join");
        await Expect(page.GetByTestId("node-output")).ToContainTextAsync("\"shipped\": true");
        await Expect(page.GetByTestId("node-panel").Locator("table.attempts")).ToContainTextAsync("succeeded");
        await DashboardHost.ScreenshotAsync(page, "workflow");

        await page.GotoAsync("");
        await Expect(page.Locator($"tr[data-workflow='{id}']")).ToContainTextAsync("Completed");
        await Expect(page.GetByTestId("count-Completed")).Not.ToContainTextAsync(" 0");
        await DashboardHost.ScreenshotAsync(page, "workflows");
    }

    [BrowserFact]
    public async Task A_node_is_reachable_with_the_keyboard_and_the_page_reads_in_a_narrow_window()
    {
        var id = await host.SubmitAsync(Diamond("ui-keyboard"));
        await host.WaitForStateAsync(id, "Completed");
        var page = await host.NewPageAsync(width: 420, height: 900);
        await page.GotoAsync($"workflows/{id}");
        await Expect(page.Locator("[data-node='price']")).ToHaveAttributeAsync("data-state", "succeeded");
        await Expect(page.Locator("[data-live='true']")).ToHaveCountAsync(1);

        await page.Locator("[data-node='price']").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("node-output")).ToContainTextAsync("99.5");
        var widest = await page.EvaluateAsync<string>("""
            () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.dag-scroll, .table-scroll, pre'))
                .map(e => e.tagName + '.' + e.className).slice(0, 5).join(', ')
            """);
        Assert.True(widest.Length == 0, $"in a 420 px window these stick out sideways: {widest}");
    }
}
