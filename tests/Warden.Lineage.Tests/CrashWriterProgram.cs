namespace Warden.Lineage.Tests;

public static class CrashWriterProgram
{
    public static int Main(string[] args) => 0;
}
