using Microsoft.Extensions.DependencyInjection;

namespace SagaWorkflow.Orchestrator.Workflows;

/// <summary>What the workflow state machine is built from, registered once for the host and the test harness alike.</summary>
public static class WorkflowStepsRegistration
{
    public static IServiceCollection AddWorkflowSteps(this IServiceCollection services) => services
        .AddSingleton<NodeActions>()
        .AddSingleton<NodeQueueTargets>()
        .AddSingleton<WorkflowSteps>()
        .AddSingleton<NodeResultSteps>()
        .AddSingleton<FailoverSteps>()
        .AddSingleton<WorkflowControlSteps>();
}
