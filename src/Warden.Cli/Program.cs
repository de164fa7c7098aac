using System.CommandLine;

var root = new RootCommand("warden: operate Warden and author its Cedar policies");
return root.Parse(args).Invoke();
