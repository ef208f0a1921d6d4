namespace SagaWorkflow.Tests.Dashboard;

/// <summary>
/// A test that drives the system Chromium (Debian's <c>chromium</c>, which scripts/test.sh installs). Without it the test
/// is reported as skipped with the reason; Playwright's own browser download cannot work on these machines.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium))
            Skip = $"needs the system Chromium at {Chromium}: apt-get install chromium (scripts/test.sh installs it)";
    }
}
