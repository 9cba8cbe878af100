using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClientCertificates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CertificateSubject",
                table: "api_clients",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CertificateThumbprint",
                table: "api_clients",
                type: "TEXT",
                maxLength: 43,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CertificateSubject",
                table: "api_clients");

            migrationBuilder.DropColumn(
                name: "CertificateThumbprint",
                table: "api_clients");
        }
    }
}
