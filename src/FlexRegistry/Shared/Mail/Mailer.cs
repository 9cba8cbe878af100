using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FlexRegistry.Shared.Mail;

public enum EmailDelivery
{
    /// <summary>Each message is written as an .eml file to <see cref="EmailOptions.PickupDirectory"/> (the default run).</summary>
    PickupFolder,

    /// <summary>Each message is sent to an SMTP relay (GOV.UK Notify's SMTP relay, an organisation's mail server, ...).</summary>
    Smtp,
}

/// <summary>Configuration section <c>Email</c>.</summary>
public sealed class EmailOptions
{
    public EmailDelivery Delivery { get; set; } = EmailDelivery.PickupFolder;

    /// <summary>Where <see cref="EmailDelivery.PickupFolder"/> writes messages, relative to the working directory.</summary>
    public string PickupDirectory { get; set; } = "mail";

    public string From { get; set; } = "FlexRegistry <no-reply@flexregistry.invalid>";

    public SmtpOptions Smtp { get; set; } = new();
}

/// <summary>Configuration section <c>Email:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;

    /// <summary>Auto (STARTTLS when offered), StartTls (required), SslOnConnect (port 465) or None (a relay on loopback only).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    public string? UserName { get; set; }
    public string? Password { get; set; }
}

/// <summary>The email adapter: the register's one way out to people's mailboxes.</summary>
public interface IMailer
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>Sends through an SMTP relay with MailKit.</summary>
public sealed class SmtpMailer(EmailOptions options) : IMailer
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var client = new SmtpClient();
        await client.ConnectAsync(options.Smtp.Host, options.Smtp.Port, options.Smtp.Security, ct);
        if (!string.IsNullOrEmpty(options.Smtp.UserName))
            await client.AuthenticateAsync(options.Smtp.UserName, options.Smtp.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>Writes each message as an RFC 5322 .eml file (open it with any mail program): the default run's mailbox.</summary>
public sealed class PickupFolderMailer(EmailOptions options, TimeProvider time) : IMailer
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        Directory.CreateDirectory(options.PickupDirectory);
        var name = $"{time.GetUtcNow():yyyyMMddTHHmmssfff}-{Guid.NewGuid():N}.eml";
        var temp = Path.Combine(options.PickupDirectory, name + ".tmp");
        await message.WriteToAsync(temp, ct);
        // Renamed once complete, so a reader never sees half a message.
        File.Move(temp, Path.Combine(options.PickupDirectory, name));
    }
}

/// <summary>Composes the register's messages: plain text, a subject, one link.</summary>
public sealed class Emails(EmailOptions options, IMailer mailer, ILogger<Emails> logger)
{
    /// <summary>Sends the message; false (and logged) if the mail system refused it, so the caller can offer another way.</summary>
    public async Task<bool> TrySendAsync(string to, string subject, string body, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        try
        {
            await mailer.SendAsync(message, ct);
            return true;
        }
        catch (Exception e) when (e is IOException or SmtpCommandException or SmtpProtocolException or AuthenticationException
                                      or System.Net.Sockets.SocketException or UnauthorizedAccessException or MailKit.ServiceNotConnectedException)
        {
            // The recipient's address is personal data: the log names the subject only.
            logger.LogWarning(e, "Could not send the email {Subject}", subject);
            return false;
        }
    }

    public static IServiceCollection AddEmail(IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Email").Get<EmailOptions>() ?? new EmailOptions();
        services.AddSingleton(options);
        if (options.Delivery == EmailDelivery.Smtp)
            services.AddSingleton<IMailer, SmtpMailer>();
        else
            services.AddSingleton<IMailer, PickupFolderMailer>();
        services.AddSingleton<Emails>();
        return services;
    }
}
