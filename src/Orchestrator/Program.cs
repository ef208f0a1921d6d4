using SagaWorkflow.Orchestrator.Cli;

return await OrchestratorCommandLine.RunAsync(args);
