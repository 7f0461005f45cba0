namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Reads the text of a DevFile or var-file, turning I/O failures into one-line errors that name the file.</summary>
internal static class ConfigFiles
{
    public static string Read(string fullPath, string what)
    {
        try
        {
            return File.ReadAllText(fullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DevFileException($"{fullPath}: cannot read the {what}: {exception.Message}", exception);
        }
    }
}
