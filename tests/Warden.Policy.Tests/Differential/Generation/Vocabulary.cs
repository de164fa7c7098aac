namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>The Cedar types the generator aims for (it misses on purpose now and then).</summary>
internal enum GenType
{
    Bool,
    Long,
    String,
    Entity,
    Set,
    Record,
    Ip,
    Decimal,
    Datetime,
    Duration,
}

/// <summary>
/// The small world random cases are drawn from: entity types and ids, attributes with their intended types,
/// tags, and the literals (valid and invalid) of every kind, chosen to sit on the edges of Cedar's semantics.
/// </summary>
internal static class Vocabulary
{
    public static readonly GenType[] AllTypes = Enum.GetValues<GenType>();

    /// <summary>Entity types with the ids entities of that type may have (odd ids on purpose).</summary>
    public static readonly (string Type, string[] Ids)[] EntityTypes =
    [
        ("User", ["alice", "bob", "", "ünï", "q\"t", "back\\slash", "nul\0"]),
        ("Group", ["admins", "staff", "all"]),
        ("Doc", ["d1", "d2", "ドキュメント"]),
        ("Folder", ["root", "sub"]),
        ("Org::Team", ["t1", "t2"]),
    ];

    /// <summary>Which types an entity's parents are usually drawn from (anything goes now and then).</summary>
    public static readonly Dictionary<string, string[]> ParentTypes = new()
    {
        ["User"] = ["Group", "Org::Team"],
        ["Group"] = ["Group"],
        ["Doc"] = ["Folder"],
        ["Folder"] = ["Folder"],
        ["Org::Team"] = ["Group", "Org::Team"],
        ["Action"] = ["Action"],
    };

    /// <summary>A type that is never in the store, for requests and literals about unknown entities.</summary>
    public static readonly GenUid Ghost = new("Ghost", "g1");

    public static readonly string[] ActionIds = ["read", "write", "delete", "view", "all", "read only"];

    /// <summary>Action hierarchy (child → parent) used when action entities are in the store.</summary>
    public static readonly (string Child, string Parent)[] ActionGroups = [("read", "view"), ("view", "all"), ("write", "all"), ("delete", "write"), ("read only", "read")];

    /// <summary>Attributes of entities and context with their intended types; several need <c>["…"]</c>.</summary>
    public static readonly (string Name, GenType Type)[] Attributes =
    [
        ("name", GenType.String),
        ("age", GenType.Long),
        ("level", GenType.Long),
        ("labels", GenType.Set),
        ("nums", GenType.Set),
        ("friends", GenType.Set),
        ("manager", GenType.Entity),
        ("owner", GenType.Entity),
        ("addr", GenType.Ip),
        ("budget", GenType.Decimal),
        ("created", GenType.Datetime),
        ("ttl", GenType.Duration),
        ("profile", GenType.Record),
        ("active", GenType.Bool),
        ("if", GenType.Long),
        ("in", GenType.String),
        ("has space", GenType.Bool),
        ("", GenType.Long),
        ("ünï", GenType.String),
        ("principal", GenType.Entity),
    ];

    /// <summary>Keys of the <c>profile</c> record and of generated record literals.</summary>
    public static readonly (string Name, GenType Type)[] RecordKeys =
    [
        ("name", GenType.String),
        ("level", GenType.Long),
        ("nested", GenType.Record),
        ("flag", GenType.Bool),
        ("then", GenType.Long),
        ("a b", GenType.String),
    ];

    public static readonly string[] TagKeys = ["k1", "k2", "if", "", "ünï"];

    public static readonly long[] JsonLongs = [0, 1, -1, 2, 7, 42, 100, -100, 9007199254740991, -9007199254740991, 4294967296, 3037000499, 3037000500];

    public static readonly string[] TextLongs =
    [
        "0", "1", "2", "7", "42", "100", "-1", "-100", "9223372036854775807", "-9223372036854775808", "9223372036854775806",
        "-9223372036854775807", "4611686018427387904", "-4611686018427387904", "3037000499", "3037000500", "4294967296",
    ];

    public static readonly string[] Strings =
    [
        "", "alice", "bob", "a", "a*b", "*", "ünïcødé", "日本", "😀", "tab\there", "line\nbreak", "quote\"d", "back\\slash",
        "nul\0", "k1", "if", "ALICE", "alice ", " alice", "\U0010FFFF", "e\u0301", "\u00e9",
    ];

    public static readonly string[] ValidIps =
    [
        "127.0.0.1", "10.0.0.0/8", "192.168.1.1/24", "::1", "ff02::1", "2001:db8::/32", "0.0.0.0/0", "224.0.0.1", "127.255.255.255",
        "fe80::1", "::", "255.255.255.255/32", "10.1.2.3", "::1/128", "ff00::/8", "127.0.0.0/8", "::/0",
        "127.0.0.1/32", "10.0.0.1/8", "10.0.0.0/8", "2001:db8::1", "2001:DB8::1", "2001:db8:0:0:0:0:0:1", "::ffff:7f00:1", "169.254.0.1", "ff02::1/16",
        "0.0.0.0", "1.2.3.4/0", "127.1.2.3/16",
    ];

    public static readonly string[] InvalidIps = ["1.2.3", "256.0.0.1", "10.0.0.0/33", "::/129", "01.2.3.4", "", "::1%eth0", "1.2.3.4/", "1:2:3:4:5:6:7:8:9", "1.2.3.4 ", "::ffff:127.0.0.1"];

    public static readonly string[] ValidDecimals = ["0.0", "1.2345", "-1.5", "922337203685477.5807", "-922337203685477.5808", "1.0", "0.0001", "-0.0", "12.34", "00.1",
        "1.00", "1.0000", "-1.50", "0.5", "-0.0001", "100.0", "99.9999"];

    public static readonly string[] InvalidDecimals = ["1", "1.", ".5", "1.23456", "922337203685477.5808", "abc", "1e3", "+1.0", "", "1.2.3", "-"];

    public static readonly string[] ValidDatetimes =
    [
        "2024-01-01", "2024-01-01T00:00:00Z", "2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00+0130", "2024-06-15T12:30:00-0800",
        "0001-01-01", "9999-12-31T23:59:59.999-2359", "1969-12-31T23:59:59Z", "2024-01-01T00:00:00.001Z", "2000-01-01T12:00:00+0000",
        "2024-01-01T01:00:00+0100", "2023-12-31T23:00:00-0100", "1969-12-31", "1969-12-31T00:00:00.001Z", "1970-01-01", "2024-01-01T12:34:56.789Z",
        "1900-01-01T00:00:00-0001", "2024-02-29",
    ];

    public static readonly string[] InvalidDatetimes =
    [
        "2024-13-01", "2024-02-30", "2023-02-29", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00", "2024-1-1", "2024-01-01 00:00:00Z", "",
        "2024-01-01T00:00:00.1Z", "2024-01-01T00:00:60Z", "+2024-01-01", "2024-01-01T00:00:00+2400", "2024-01-01Z", "2024-01-01T00:00Z",
    ];

    public static readonly string[] ValidDurations =
    [
        "1d", "2h", "3m", "4s", "5ms", "1d2h3m4s5ms", "-1d", "0ms", "-9223372036854775808ms", "9223372036854775807ms", "106751991167d",
        "1h30m", "-2h", "24h", "0d", "1d1ms",
        "1h", "60m", "3600s", "3600000ms", "-1ms", "-1d1ms", "86400000ms", "1d0h", "0s", "-0ms", "999ms",
    ];

    public static readonly string[] InvalidDurations = ["", "1", "d", "1.5h", "+1d", "--1d", "1D", "1m1h", "1d-2h", "9223372036854775808ms", "106751991168d", "1h 2m"];
}
