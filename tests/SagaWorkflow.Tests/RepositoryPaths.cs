namespace SagaWorkflow.Tests;

/// <summary>Locates files of the repository (examples/, docs/) from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(Root, "examples", name);

    public static string Doc(string name) => Path.Combine(Root, "docs", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SagaWorkflow.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"SagaWorkflow.sln not found above {AppContext.BaseDirectory}");
    }
}
