using System.CommandLine;
using Warden.Cli.Commands;

var root = new RootCommand("warden: operate Warden and author its Cedar policies");
root.Add(CedarCommands.Create());
return root.Parse(args).Invoke();
