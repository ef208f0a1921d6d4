using Spectre.Console;
using Spectre.Console.Rendering;

namespace SagaWorkflow.Cli;

/// <summary>
/// Where sagaflow writes. On a terminal, tables get a border and the watch redraws in place (Spectre.Console); redirected
/// (a pipe, CI, a log file, the tests) every table is plain aligned columns with no escape codes, never wrapped.
/// </summary>
public sealed class Screen(TextWriter output, bool interactive)
{
    private IAnsiConsole? _console;

    public TextWriter Output => output;

    public bool Interactive => interactive;

    /// <summary>The Spectre console over <see cref="Output"/>, for a live display; only used on a terminal.</summary>
    public IAnsiConsole Console => _console ??= AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });

    public void WriteLine(string line) => output.WriteLine(line);

    public void Write(IRenderable renderable)
    {
        if (!interactive)
            output.WriteLine(Plain(renderable));
        else
            Console.Write(renderable is Table table ? Bordered(table) : renderable);
    }

    private static Table Bordered(Table table)
    {
        foreach (var column in table.Columns)
            column.Padding = new Padding(1, 0, 1, 0);
        return table.Border(TableBorder.Rounded);
    }

    /// <summary>A table as borderless aligned columns, trailing spaces trimmed, as wide as its longest cell needs.</summary>
    public static string Plain(IRenderable renderable)
    {
        using var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 100_000;
        console.Write(renderable);
        return string.Join(Environment.NewLine, text.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd()));
    }
}

/// <summary>Tables of plain text cells (never markup: a node error may hold brackets).</summary>
public static class Tables
{
    public static Table Create(params string[] headers)
    {
        var table = new Table().Border(TableBorder.None);
        foreach (var header in headers)
            table.AddColumn(new TableColumn(new Text(header)).PadLeft(0).PadRight(2));
        return table;
    }

    public static Table Row(this Table table, params string?[] cells) => table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")));

    public static string Utc(DateTime? time) => time?.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    public static string Utc(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
