using System.Globalization;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs.Sqlite;
using Warden.Lineage.Tests.Support;

namespace Warden.Lineage.Tests;

/// <summary>
/// Entry point of the test assembly when run as a program: the child process of the kill -9 test. It appends
/// durably from many concurrent appenders forever and prints <c>ack SEQ HASH end</c> for each acknowledged record,
/// until the test kills it.
/// </summary>
public static class CrashWriterProgram
{
    public const string Command = "crash-writer";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 3 || args[0] != Command)
        {
            return 2;
        }

        var file = args[1];
        var appenders = int.Parse(args[2], CultureInfo.InvariantCulture);
        var output = Console.Out;
        var log = SqliteLineageLog.Open(new SqliteLineageLogOptions { FilePath = file });
        var writer = new LineageWriter(log);
        var tasks = Enumerable.Range(0, appenders).Select(async a =>
        {
            for (var i = 0; ; i++)
            {
                var record = (await writer.AppendAsync(Events.Decision("acme", (a * 1_000_000) + i, session: $"s-{a}"))).Record!;
                lock (output)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ack {record.Sequence} {record.Hash} end"));
                    output.Flush();
                }
            }
        });
        await Task.WhenAll(tasks);
        return 0;
    }
}
