namespace SagaWorkflow.Contracts; internal static class Placeholder { }
