namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>
/// Syntax cases: a generated case whose policy text is then bent — hand-picked tricky policies (reserved words as
/// attributes, escapes, unicode, limits of literals, odd scope forms, duplicate keys and annotations) spliced in,
/// and random character-level edits (deletions, duplications, inserted fragments). Whether the text parses must
/// agree; when it does parse, every request must agree too.
/// </summary>
internal static class SyntaxMutator
{
    private const string All = "permit(principal, action, resource)";

    /// <summary>Tricky policies Cedar may or may not accept; the oracle decides which.</summary>
    public static readonly string[] TrickyPolicies =
    [
        All + " when { principal[\"if\"] == 1 };",
        All + " when { principal.if == 1 };",
        All + " when { context has \"has\" };",
        All + " when { context has has };",
        All + " when { context has if };",
        All + " when { context has a.if };",
        All + " when { context has \"\" };",
        All + " when { principal has principal };",
        All + " when { principal.principal == principal };",
        All + " when { context.action == action };",
        All + " when { context.true };",
        All + " when { context.is };",
        All + " when { context.like == context.has };",
        All + " when { context.then };",
        All + " when { context.__cedar };",
        All + " when { context.ünï == 1 };",
        All + " when { context[\"ünï\"] == \"\\u{00FC}\" };",
        "permit(principal is User in Group::\"a\", action in [Action::\"read\", Action::\"write\"], resource);",
        "permit(principal, action == Action::\"read\", resource is Doc);",
        "permit(principal, action is Action, resource);",
        "permit(principal, action in Action::\"all\", resource is Doc in Folder::\"root\");",
        "permit(principal in [Group::\"a\"], action, resource);",
        "permit(principal, action in [], resource);",
        "permit(principal, action == [Action::\"read\"], resource);",
        "permit(principal == ?principal, action, resource);",
        "permit(principal, action, resource in ?resource);",
        "permit(principal is User::Nested, action, resource);",
        "permit(principal == Action::\"read\", action, resource);",
        "permit(principal, action == User::\"alice\", resource);",
        "permit(principal, action in Doc::\"d1\", resource);",
        "permit(principal, action in [Action::\"read\", Doc::\"d1\"], resource);",
        "permit(principal, action == NS::Action::\"read\", resource);",
        "permit(principal, action == Action::Other::\"read\", resource);",
        All + " when { !!!!true };",
        All + " when { !!!!!true };",
        All + " when { ----1 == 1 };",
        All + " when { -----1 == -1 };",
        All + " when { -9223372036854775808 < 0 };",
        All + " when { - 9223372036854775808 < 0 };",
        All + " when { --9223372036854775808 < 0 };",
        All + " when { -(9223372036854775808) < 0 };",
        All + " when { 9223372036854775808 > 0 };",
        All + " when { -9223372036854775809 < 0 };",
        All + " when { 00 == 0 };",
        All + " when { 0x10 == 16 };",
        All + " when { 1_000 == 1000 };",
        All + " when { 1.5 == 1 };",
        All + " when { 0 == -0 };",
        All + " when { {a: 1, a: 2}.a == 1 };",
        All + " when { {a: 1, \"a\": 2}.a == 1 };",
        All + " when { {if: 1}[\"if\"] == 1 };",
        All + " when { {\"if\": 1}.if == 1 };",
        All + " when { {principal: 1}.principal == 1 };",
        All + " when { {true: 1} == {} };",
        All + " when { {a: 1,}.a == 1 };",
        All + " when { [1, 2,].contains(1) };",
        All + " when { [].isEmpty() };",
        All + " when { [] in [] };",
        All + " when { [[[[[[[[[[[]]]]]]]]]]].contains([]) };",
        "@id(\"a\") @id(\"b\") " + All + ";",
        "@id(\"a\") @ID(\"b\") " + All + ";",
        "@if(\"a\") " + All + ";",
        "@principal " + All + ";",
        "@a(\"\\u{1F600}\") " + All + ";",
        "@a(\"x\" ) " + All + ";",
        "@a(x) " + All + ";",
        "@a::b(\"x\") " + All + ";",
        All + " when { \"\\u{1F600}\" like \"*\" };",
        All + " when { \"a\" like \"\\*\\\\\" };",
        All + " when { \"*\" like \"\\*\" };",
        All + " when { \"\\*\" == \"*\" };",
        All + " when { \"\\q\" == \"q\" };",
        All + " when { \"\\u{110000}\" == \"\" };",
        All + " when { \"\\u{D800}\" == \"\" };",
        All + " when { \"\\u{}\" == \"\" };",
        All + " when { \"\\u{0000041}\" == \"A\" };",
        All + " when { \"\\u{00000041}\" == \"A\" };",
        All + " when { \"\\u0041\" == \"A\" };",
        All + " when { \"\\x80\" == \"\" };",
        All + " when { \"\\x7F\" == \"\\u{7f}\" };",
        All + " when { \"\\x4\" == \"\" };",
        All + " when { \"\\'\" == \"'\" };",
        All + " when { \"\\0\" == \"\\x00\" };",
        All + " when { 'a' == \"a\" };",
        All + " when { \"line\nbreak\" == \"line\\nbreak\" };",
        All + " when { \"tab\there\" == \"tab\\there\" };",
        All + " when { ip(\"1.2.3.4\").isIpv4(1) };",
        All + " when { isIpv4(ip(\"1.2.3.4\")) };",
        All + " when { ip(\"1.2.3.4\").isInRange() };",
        All + " when { decimal(\"1.0\", \"2.0\") == decimal(\"1.0\") };",
        All + " when { decimal() == decimal(\"1.0\") };",
        All + " when { principal.foo() };",
        All + " when { principal.contains() };",
        All + " when { [1].contains(1, 2) };",
        All + " when { \"a\".ip() == ip(\"a\") };",
        All + " when { ipaddr(\"1.2.3.4\").isIpv4() };",
        All + " when { lessThan(decimal(\"1.0\"), decimal(\"2.0\")) };",
        All + " when { datetime(\"2024-01-01\").offset(duration(\"1d\")) > datetime(\"2024-01-01\") };",
        All + " when { duration(\"1d\").toDays() == 1 };",
        All + " when { datetime(\"2024-01-01T10:00:00Z\").toTime() == duration(\"10h\") };",
        All + " when { datetime(\"2024-01-01\").toDate() };",
        All + " when { decimal(\"1.0\") < decimal(\"2.0\") };",
        All + " when { User::\"a\"::\"b\" == principal };",
        All + " when { User::Other::\"a\" is User::Other };",
        All + " when { principal is User in [Group::\"a\"] };",
        All + " when { principal is Action };",
        All + " when { principal is principal };",
        All + " when { principal is \"User\" };",
        All + " when { (principal) is User };",
        All + " when { principal is User is User };",
        All + " when { principal in principal in principal };",
        All + " when { 1 < 2 < 3 };",
        All + " when { 1 == 1 == true };",
        All + " when { principal like \"x\" like \"y\" };",
        All + " when { if true then 1 else 2 == 1 };",
        All + " when { 1 + if true then 1 else 2 == 2 };",
        All + " when { if if true then true else false then true else false };",
        All + " when { true && false || true };",
        All + " when { !true || !false };",
        All + " when { -1 * -1 == 1 };",
        All + " when { 2 * 3 + 4 * 5 == 26 };",
        All + " when { 1 - 2 - 3 == -4 };",
        All + " when { 1 * 2 * 3 * 4 * 5 * 6 * 7 * 8 * 9 * 10 * 11 * 12 * 13 * 14 * 15 * 16 * 17 * 18 * 19 * 20 * 21 > 0 };",
        All + " when { principal[\"a\" + \"b\"] };",
        All + " when { principal.name.name.name };",
        All + " when { context.a.b.c.d.e };",
        All + " when { true.x };",
        All + " when { 1.x };",
        All + " when { \"s\"[\"x\"] };",
        All + " when { context[\"a\"][\"b\"] };",
        All + " when { context[a] };",
        All + " when { context.getTag(\"a\") };",
        All + " when { principal.getTag(\"a\", \"b\") };",
        All + " when { principal.hasTag() };",
        All + " when { action.hasTag(\"a\") };",
        All + " when { principal has a.b.c.d };",
        All + " when { principal has a.\"b\" };",
        All + " when { principal has \"a.b\" };",
        All + " when { principal has (a) };",
        All + " when { principal has 1 };",
        All + " when {};",
        All + " when { true } when { true } unless { false } unless { false };",
        All + " when { true }; ;",
        "permit(principal,action,resource)when{true}unless{false};",
        "permit ( principal , action , resource ) ;",
        "permit(\n\tprincipal,\r\n\taction,\r\tresource\n);",
        "permit(principal, action, resource) // comment\n;",
        "permit(principal, action, resource) /* comment */;",
        "// only a comment\n",
        "",
        "   \n\t ",
        "permit(principal, action, resource)",
        "permit(principal, action, resource,);",
        "permit(resource, action, principal);",
        "permit(principal, action);",
        "permit(principal, resource, action);",
        "permit(principal, action, resource, context);",
        "permit();",
        "PERMIT(principal, action, resource);",
        "allow(principal, action, resource);",
        "forbid(principal in Group::\"a\", action == Action::\"read\", resource in Folder::\"f\") unless { resource.owner == principal };",
        "permit(principal == User::\"\\u{0}\", action, resource);",
        "permit(principal == User::\"\", action, resource);",
        "permit(principal == User :: \"alice\", action, resource);",
        "permit(principal == User::alice, action, resource);",
        "permit(principal == __cedar::User::\"a\", action, resource);",
        "permit(principal is __cedar, action, resource);",
        "permit(principal == if::User::\"a\", action, resource);",
        "permit(principal == Org::Team::\"t1\", action, resource);",
        "permit(principal is Org::Team, action, resource);",
        "permit(principal, action, resource) when { principal is Org :: Team };",
        "permit(principal, action, resource) when { context == {} && context != {\"a\": 1} };",
        "permit(principal, action, resource) when { principal == principal } unless { 1 + 1 == 3 };\nforbid(principal, action, resource) when { false };",
        "permit(principal\u00a0, action, resource);",
        "permit(principal, action, resource) when { \"\u00a0\" == \" \" };",
        "permit(principal, action, resource) when { \"é\" == \"e\\u{301}\" };",
        "\uFEFFpermit(principal, action, resource);",
        "permit(principal, action, resource) when { \"a//b\" == \"a\" + \"//b\" };",
        "permit(principal, action, resource) when { \"a//b\" like \"a//*\" };",
        "permit(principal,\u000baction, resource);",
        "permit(principal,\faction, resource);",
        "permit(principal,\u2028action, resource);",
        Nest("(", ")", 40, "true"),
        Nest("(", ")", 60, "true"),
        Nest("[", "]", 40, "").Replace("when { ", "when { [] != ", StringComparison.Ordinal),
        Nest("{a: ", "}", 40, "1").Replace("when { ", "when { {} != ", StringComparison.Ordinal),
        Nest("if true then ", " else false", 30, "true"),
        Nest("!", "", 4, "true"),
        Nest("-", "", 4, "1").Replace("when { ", "when { 1 == ", StringComparison.Ordinal),
        // Long chains and wide literals, kept within what cedar-wasm's own stack takes (about 100 levels).
        All + " when { " + string.Join(" + ", Enumerable.Repeat("1", 60)) + " == 60 };",
        All + " when { " + string.Join(" && ", Enumerable.Repeat("true", 60)) + " };",
        All + " when { " + string.Join(" || ", Enumerable.Repeat("false", 60)) + " };",
        All + " when { " + string.Join(" * ", Enumerable.Repeat("2", 62)) + " > 0 };",
        All + " when { " + string.Join(" * ", Enumerable.Repeat("2", 63)) + " > 0 };",
        All + " when { context" + string.Concat(Enumerable.Repeat(".a", 60)) + " };",
        All + " when { context has " + string.Join(".", Enumerable.Repeat("a", 60)) + " };",
        All + " when { [" + string.Join(", ", Enumerable.Range(0, 500)) + "].contains(499) };",
        All + " when { {" + string.Join(", ", Enumerable.Range(0, 300).Select(i => $"a{i}: {i}")) + "}.a299 == 299 };",
        All + " when { \"" + new string('a', 5000) + "\" like \"" + string.Concat(Enumerable.Repeat("*a", 40)) + "\" };",
        string.Concat(Enumerable.Repeat("@a(\"b\")\n", 1)) + string.Join("\n", Enumerable.Repeat(All + ";", 200)),
    ];

    private static string Nest(string open, string close, int depth, string inner) =>
        All + " when { " + string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth)) + " };";

    private static readonly string[] Fragments =
    [
        "(", ")", ",", ";", ".", "!", "-", "\"", "\\", "::", "==", "!=", "<", ">=", "&&", "||", "+", "*", " in ", " is ", " has ", " like ",
        "if ", " then ", " else ", "[", "]", "{", "}", "@a(\"b\") ", "?principal", "9223372036854775808", "0x10", "1.5", "\"\\q\"",
        "\"\\u{110000}\"", "\"\\u{D800}\"", "\"\\x80\"", "// c\n", "/* */", "é", "\u00a0", "\t", "\r\n", "__cedar::X::\"a\"",
        ".if", ".isEmpty()", "true", "principal", "context", "[\"if\"]", "when { true }", "unless { false }", "permit", "forbid",
        "Action::\"read\"", "User::\"alice\"", "  ", "\u000b", "\f", "\u2028", "\u3000", "\u0085", "\"a//b\"", "//", "/", "#", "$", "`",
        "?", "?resource", "@", "0", "-9223372036854775808", "\\u{41}", "\\*", "&", "|", "=", "=>", "::\"x\"",
    ];

    /// <summary>The syntax case for <paramref name="seed"/>: a generated case with its text bent.</summary>
    public static DiffCase Generate(string name, int seed)
    {
        var baseCase = CaseGenerator.Generate(name, seed);
        var rnd = new Random(unchecked(seed * 31 + 7));
        var policies = baseCase.Policies.Select(p => p.ToString()).ToList();

        // Replace or add a tricky policy most of the time.
        if (rnd.NextDouble() < 0.7)
        {
            var tricky = TrickyPolicies[rnd.Next(TrickyPolicies.Length)];
            if (policies.Count > 0 && rnd.NextDouble() < 0.5)
            {
                policies[rnd.Next(policies.Count)] = tricky;
            }
            else
            {
                policies.Insert(rnd.Next(policies.Count + 1), tricky);
            }
        }

        var text = string.Join("\n", policies);
        for (var edits = rnd.NextDouble() < 0.5 ? 0 : rnd.Next(1, 4); edits > 0 && text.Length > 0; edits--)
        {
            var at = SafeIndex(text, rnd.Next(text.Length + 1));
            switch (rnd.Next(3))
            {
                case 0:
                    {
                        var length = Math.Min(rnd.Next(1, 4), text.Length - at);
                        var end = SafeIndex(text, at + length);
                        text = text.Remove(at, end - at);
                        break;
                    }

                case 1:
                    {
                        var length = Math.Min(rnd.Next(1, 8), text.Length - at);
                        var end = SafeIndex(text, at + length);
                        text = text.Insert(at, text[at..end]);
                        break;
                    }

                default:
                    text = text.Insert(at, Fragments[rnd.Next(Fragments.Length)]);
                    break;
            }
        }

        return baseCase with { RawPolicies = text };
    }

    // Moves an index off the middle of a surrogate pair.
    private static int SafeIndex(string text, int index) =>
        index > 0 && index < text.Length && char.IsLowSurrogate(text[index]) ? index - 1 : index;
}
