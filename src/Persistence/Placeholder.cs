namespace SagaWorkflow.Persistence; internal static class Placeholder { }
