using SagaWorkflow.Executors;

// The executor process: consumes node.<capability> queues and runs nodes. Distributed mode runs N of these.
return await ExecutorHost.RunAsync(args);
