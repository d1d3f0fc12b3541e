"""Privacy (issue 16): pending conversation erasures, outbox claims and blocks, gap visibility.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pending_erasures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.String(length=128), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_erasures'))
    )
    op.create_index(op.f('ix_pending_erasures_sender_id'), 'pending_erasures', ['sender_id'], unique=False)
    op.create_index(op.f('ix_pending_erasures_next_attempt_at'), 'pending_erasures', ['next_attempt_at'], unique=False)

    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('unanswered_questions') as batch:
        batch.add_column(sa.Column('mutualiteit', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('personal', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column('sender_ref', sa.String(length=128), nullable=True))
        batch.create_index(batch.f('ix_unanswered_questions_mutualiteit'), ['mutualiteit'], unique=False)
        batch.create_index(batch.f('ix_unanswered_questions_sender_ref'), ['sender_ref'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unanswered_questions') as batch:
        batch.drop_index(batch.f('ix_unanswered_questions_sender_ref'))
        batch.drop_index(batch.f('ix_unanswered_questions_mutualiteit'))
        batch.drop_column('sender_ref')
        batch.drop_column('personal')
        batch.drop_column('mutualiteit')
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_column('blocked_at')
        batch.drop_column('claimed_until')
    op.drop_index(op.f('ix_pending_erasures_next_attempt_at'), table_name='pending_erasures')
    op.drop_index(op.f('ix_pending_erasures_sender_id'), table_name='pending_erasures')
    op.drop_table('pending_erasures')
