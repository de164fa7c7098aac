using Warden.Cli.Cedar;
using Warden.Policy.Types;
using static Warden.Policy.Tests.Support.TestSchemaShapes;

namespace Warden.Policy.Tests.Support;

/// <summary>
/// The schemas of tests/data/cedar/sample-data, declared by hand. The conformance tests use them while this build
/// has no schema parser (<see cref="ConformanceOptions.Default"/> without a loader); corpus tests then run schema-less.
/// </summary>
internal static class SampleSchemas
{
    private static readonly ExtensionType Decimal = ExtensionType.Decimal;
    private static readonly ExtensionType IpAddr = ExtensionType.IpAddr;

    public static ConformanceOptions Options { get; } = new()
    {
        LoadSchema = path => (Path.GetFileName(Path.GetDirectoryName(path)), Path.GetFileName(path)) switch
        {
            ("sandbox_a", "schema.cedarschema") => SandboxA(),
            ("sandbox_b", "schema.cedarschema") => SandboxB(withExtensions: false),
            ("sandbox_b", "schema_exts.cedarschema") => SandboxB(withExtensions: true),
            _ => null,
        },
    };

    /// <summary>The options for conformance runs: the build's own when it can read schemas, else the hand-written sample schemas.</summary>
    public static ConformanceOptions Conformance => ConformanceOptions.Default.LoadSchema is null ? Options : ConformanceOptions.Default;

    public static TestSchemaShapes SandboxA()
    {
        var context = Record(Required("authenticated", BoolType.Instance), Required("confidence_score", Decimal), Required("source_ip", IpAddr));
        return new TestSchemaShapes()
            .Entity("Account").Entity("AccountGroup").Entity("Administrator").Entity("UserGroup")
            .Entity("Album", memberOf: ["Account", "Album"])
            .Entity("Photo", memberOf: ["Account", "Album"])
            .Entity("Video", memberOf: ["Account", "Album"])
            .Entity("User", memberOf: ["UserGroup"])
            .Action("addPhoto", context).Action("listPhotos", context)
            .Action("comment", context).Action("delete", context).Action("edit", context)
            .Action("listAlbums", context).Action("view", context);
    }

    public static TestSchemaShapes SandboxB(bool withExtensions)
    {
        var user = new EntityType("User");
        var admins = new SetType(user);
        var resourceAttributes = Record(Required("account", new EntityType("Account")), Required("admins", admins), Required("private", BoolType.Instance));
        var authenticated = Record(Required("authenticated", BoolType.Instance));
        return new TestSchemaShapes()
            .Entity("Account", Record(Required("admins", admins), Required("owner", user), Required("private", BoolType.Instance)), ["AccountGroup"])
            .Entity("AccountGroup", Record(Required("owner", user)))
            .Entity("Administrator").Entity("UserGroup")
            .Entity("Album", resourceAttributes, ["Account", "Album"])
            .Entity("Photo", resourceAttributes, ["Account", "Album"])
            .Entity("User", Record(Required("department", StringType.Instance), Required("jobLevel", LongType.Instance)), ["UserGroup"])
            .Action("addPhoto", Record(
                Required("authenticated", BoolType.Instance),
                Required("photo", Record(Required("filesize_mb", LongType.Instance), Required("filetype", StringType.Instance)))))
            .Action("comment", authenticated).Action("delete", authenticated).Action("edit", authenticated)
            .Action("view", withExtensions
                ? Record(Required("authenticated", BoolType.Instance), Required("confidence_score", Decimal), Required("source_ip", IpAddr))
                : authenticated)
            .Action("listAlbums", authenticated).Action("listPhotos", authenticated);
    }
}
