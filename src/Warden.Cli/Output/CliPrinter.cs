using System.CommandLine;
using Google.Protobuf;

namespace Warden.Cli.Output;

/// <summary>Writes a command's result as text or, with <c>--json</c>, as protobuf JSON.</summary>
internal sealed class CliPrinter(ParseResult parse)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatEnumsAsIntegers(false));

    public bool Json { get; } = parse.GetValue(Commands.CliOptions.Json);

    public int ExitCode { get; private set; }

    private TextWriter Out => parse.InvocationConfiguration.Output;

    private TextWriter Error => parse.InvocationConfiguration.Error;

    /// <summary>Prints a message as JSON, or as the text <paramref name="human"/> writes.</summary>
    public void Print(IMessage message, Action<TextWriter> human)
    {
        if (Json)
        {
            Out.WriteLine(Formatter.Format(message));
        }
        else
        {
            human(Out);
        }
    }

    /// <summary>Prints a list as a JSON array, or line by line.</summary>
    public void PrintList<T>(IReadOnlyList<T> items, Action<TextWriter, T> human, string empty)
        where T : IMessage
    {
        if (Json)
        {
            Out.WriteLine("[" + string.Join("," + Environment.NewLine, items.Select(i => Formatter.Format(i))) + "]");
            return;
        }

        if (items.Count == 0)
        {
            Out.WriteLine(empty);
        }

        foreach (var item in items)
        {
            human(Out, item);
        }
    }

    /// <summary>Reports an error and returns its exit code.</summary>
    public int Fail(int exitCode, string message)
    {
        Error.WriteLine("error: " + message);
        ExitCode = exitCode;
        return exitCode;
    }
}
