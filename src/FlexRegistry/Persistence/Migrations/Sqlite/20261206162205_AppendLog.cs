using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AppendLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_webhook_deliveries_events_EventSequence",
                table: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "audit_checkpoints");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "PreviousHash",
                table: "audit_records");

            migrationBuilder.RenameColumn(
                name: "Sequence",
                table: "events",
                newName: "Position");

            migrationBuilder.RenameIndex(
                name: "IX_events_Subject_Sequence",
                table: "events",
                newName: "IX_events_Subject_Position");

            migrationBuilder.RenameColumn(
                name: "Sequence",
                table: "audit_records",
                newName: "Position");

            migrationBuilder.RenameIndex(
                name: "IX_audit_records_SubjectParticipantId_Sequence",
                table: "audit_records",
                newName: "IX_audit_records_SubjectParticipantId_Position");

            migrationBuilder.RenameIndex(
                name: "IX_audit_records_ResourceId_Sequence",
                table: "audit_records",
                newName: "IX_audit_records_ResourceId_Position");

            migrationBuilder.AddColumn<long>(
                name: "TransactionId",
                table: "events",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AlterColumn<long>(
                name: "Position",
                table: "audit_records",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .Annotation("Sqlite:Autoincrement", true);

            migrationBuilder.AddColumn<long>(
                name: "TransactionId",
                table: "audit_records",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "audit_leaves",
                columns: table => new
                {
                    LeafIndex = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordPosition = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_leaves", x => x.LeafIndex);
                });

            migrationBuilder.CreateTable(
                name: "audit_tree_heads",
                columns: table => new
                {
                    TreeSize = table.Column<long>(type: "INTEGER", nullable: false),
                    RootHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Signature = table.Column<byte[]>(type: "BLOB", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_tree_heads", x => x.TreeSize);
                });

            migrationBuilder.CreateTable(
                name: "audit_tree_nodes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_tree_nodes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "event_sequence",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Position = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_event_sequence", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_events_TransactionId_Position",
                table: "events",
                columns: new[] { "TransactionId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_records_TransactionId_Position",
                table: "audit_records",
                columns: new[] { "TransactionId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_leaves_RecordPosition",
                table: "audit_leaves",
                column: "RecordPosition",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_event_sequence_Position",
                table: "event_sequence",
                column: "Position",
                unique: true);

            // Events already in the log keep their sequence (subscribers' cursors point into it).
            migrationBuilder.Sql("INSERT INTO event_sequence (\"Sequence\", \"Position\") SELECT \"Position\", \"Position\" FROM events;");

            migrationBuilder.AddForeignKey(
                name: "FK_webhook_deliveries_event_sequence_EventSequence",
                table: "webhook_deliveries",
                column: "EventSequence",
                principalTable: "event_sequence",
                principalColumn: "Sequence",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_webhook_deliveries_event_sequence_EventSequence",
                table: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "audit_leaves");

            migrationBuilder.DropTable(
                name: "audit_tree_heads");

            migrationBuilder.DropTable(
                name: "audit_tree_nodes");

            migrationBuilder.DropTable(
                name: "event_sequence");

            migrationBuilder.DropIndex(
                name: "IX_events_TransactionId_Position",
                table: "events");

            migrationBuilder.DropIndex(
                name: "IX_audit_records_TransactionId_Position",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "TransactionId",
                table: "events");

            migrationBuilder.DropColumn(
                name: "TransactionId",
                table: "audit_records");

            migrationBuilder.RenameColumn(
                name: "Position",
                table: "events",
                newName: "Sequence");

            migrationBuilder.RenameIndex(
                name: "IX_events_Subject_Position",
                table: "events",
                newName: "IX_events_Subject_Sequence");

            migrationBuilder.RenameColumn(
                name: "Position",
                table: "audit_records",
                newName: "Sequence");

            migrationBuilder.RenameIndex(
                name: "IX_audit_records_SubjectParticipantId_Position",
                table: "audit_records",
                newName: "IX_audit_records_SubjectParticipantId_Sequence");

            migrationBuilder.RenameIndex(
                name: "IX_audit_records_ResourceId_Position",
                table: "audit_records",
                newName: "IX_audit_records_ResourceId_Sequence");

            migrationBuilder.AlterColumn<long>(
                name: "Sequence",
                table: "audit_records",
                type: "INTEGER",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "INTEGER")
                .OldAnnotation("Sqlite:Autoincrement", true);

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "audit_records",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PreviousHash",
                table: "audit_records",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "audit_checkpoints",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    HeadHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_checkpoints", x => x.Sequence);
                });

            migrationBuilder.AddForeignKey(
                name: "FK_webhook_deliveries_events_EventSequence",
                table: "webhook_deliveries",
                column: "EventSequence",
                principalTable: "events",
                principalColumn: "Sequence",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
