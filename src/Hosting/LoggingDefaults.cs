using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;

namespace SagaWorkflow.Hosting;

/// <summary>Console logging as both process kinds use it: scopes on, so each line shows the workflow it is about.</summary>
public static class LoggingDefaults
{
    /// <summary>
    /// Turns scopes on for the simple (default) and JSON console formats. <c>Logging__Console__FormatterName=json</c>
    /// switches to one JSON object per line, with WorkflowId / NodeId / Attempt / ExecutorId under <c>Scopes</c>.
    /// </summary>
    public static IServiceCollection AddWorkflowLogScopes(this IServiceCollection services)
    {
        services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
        services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        return services;
    }
}
