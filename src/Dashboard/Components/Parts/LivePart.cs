using Microsoft.AspNetCore.Components;
using SagaWorkflow.Dashboard.Api;

namespace SagaWorkflow.Dashboard.Components.Parts;

/// <summary>
/// A part of a page that re-reads the API on a timer while its circuit lives: the prerendered HTML is a snapshot, the
/// interactive instance reads again every <see cref="Interval"/> until the circuit goes (Dispose stops it). The poll is
/// started once the first read is done, not from the first OnAfterRender, which the browser can acknowledge before then.
/// </summary>
public abstract class LivePart : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>The cookie's encrypted key, decrypted in the circuit (see <see cref="KeyCookie"/>).</summary>
    [Parameter] public string? ProtectedKey { get; set; }

    [Inject] private KeyCookie Keys { get; set; } = null!;

    protected abstract TimeSpan Interval { get; }

    protected string? Key { get; private set; }

    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Reads what the part shows; <paramref name="tick"/> is 0 for the first read and counts the polls after it.</summary>
    protected abstract Task RefreshAsync(int tick);

    protected override async Task OnInitializedAsync()
    {
        Key = Keys.Unprotect(ProtectedKey);
        await RefreshAsync(0);
        if (RendererInfo.IsInteractive)
            _ = PollAsync();
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        var tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var current = ++tick;
                await InvokeAsync(async () =>
                {
                    await RefreshAsync(current);
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The circuit went away: Dispose cancelled the loop.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }
}
