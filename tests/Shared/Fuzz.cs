using System.Globalization;
using System.Text;
using CsCheck;

namespace TalkingBinaries.Tests;

/// <summary>Random and mutated inputs for the fuzz specs: each must give a result or a clear error, never anything else.</summary>
/// <remarks>
/// CI runs <see cref="Iterations"/> cases per spec (a few seconds in all); set TB_FUZZ_ITERATIONS for a longer run,
/// e.g. <c>TB_FUZZ_ITERATIONS=100000 dotnet test --filter Category=Fuzz</c>. A failure prints the seed that
/// reproduces it (CsCheck's <c>seed</c> parameter).
/// </remarks>
internal static class Fuzz
{
    /// <summary>Cases per spec: TB_FUZZ_ITERATIONS, else a default small enough for every CI run.</summary>
    public static int Iterations(int quick) =>
        int.TryParse(Environment.GetEnvironmentVariable("TB_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) && iterations > 0
            ? iterations
            : quick;

    /// <summary>Characters that matter to the formats under test, and some that should not be there at all.</summary>
    private static readonly string Interesting = "{}[]():,\"'\\$-#&*!|>%@`\n\r\t \0\u001b\u00e9\u4e2d\ud83d\ude00 ${{}}.=<>&|!0123456789eE+aztrufnl";

    /// <summary>A string from <paramref name="corpus"/>, mutated a few times: characters inserted, removed, repeated or swapped, pieces nested.</summary>
    public static Gen<string> Mutations(params string[] corpus) => Gen.Int.Select(seed => Mutate(corpus, new Random(seed)));

    /// <summary>Bytes: random ones, and mutated corpus strings as UTF-8 with stray invalid bytes.</summary>
    public static Gen<byte[]> Bytes(params string[] corpus) => Gen.Frequency(
        (1, Gen.Byte.Array[0, 512]),
        (3, Mutations(corpus).Select(Encoding.UTF8.GetBytes)),
        (1, Gen.Int.Select(seed => Corrupt(Encoding.UTF8.GetBytes(corpus[Math.Abs(seed % corpus.Length)]), new Random(seed)))));

    private static string Mutate(string[] corpus, Random random)
    {
        var text = new StringBuilder(corpus[random.Next(corpus.Length)]);
        var mutations = random.Next(1, 6);
        for (var i = 0; i < mutations; i++)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(8))
            {
                case 0:
                    text.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 1:
                    text.Remove(at, Math.Min(text.Length - at, random.Next(1, 8)));
                    break;
                case 2:
                    var length = Math.Min(text.Length - at, random.Next(1, 40));
                    text.Insert(at, text.ToString(at, length));
                    break;
                case 3 when text.Length > 0:
                    text[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 4:
                    text.Length = at;
                    break;
                case 5:
                    // Deep nesting, beyond any limit a parser might keep.
                    var depth = random.Next(1, 3) == 1 ? random.Next(1, 100) : random.Next(100, 5000);
                    var (open, close) = random.Next(4) switch { 0 => ("[", "]"), 1 => ("{\"a\":", "}"), 2 => ("(", ")"), _ => ("x[", "]") };
                    text.Insert(at, string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, random.Next(2) == 0 ? depth : random.Next(depth))));
                    break;
                case 6:
                    // Another corpus entry spliced in.
                    text.Insert(at, corpus[random.Next(corpus.Length)]);
                    break;
                default:
                    text.Insert(at, new string(Interesting[random.Next(Interesting.Length)], random.Next(1, 300)));
                    break;
            }
        }

        return text.ToString();
    }

    private static byte[] Corrupt(byte[] bytes, Random random)
    {
        var corrupted = bytes.ToArray();
        for (var i = 0; i < Math.Max(1, corrupted.Length / 50); i++)
        {
            if (corrupted.Length > 0)
            {
                corrupted[random.Next(corrupted.Length)] = (byte)random.Next(0x80, 0x100);
            }
        }

        return corrupted;
    }
}
