from allauth.account.stages import PhoneVerificationStage

from .models import User


class LearnerPhoneVerificationStage(PhoneVerificationStage):
    """Learners must have a verified phone; staff who sign in by email need not have one."""

    def handle(self):
        user = self.login.user
        if user is not None and not user.phone and user.role != User.Role.LEARNER:
            return None, True
        return super().handle()
